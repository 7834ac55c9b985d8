namespace SecureApi.Testing;

/// <summary>The repository root: the nearest folder above the test assembly that holds SecureApi.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string TemplatePath => System.IO.Path.Combine(Path, "serverless.template");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SecureApi.sln"))) return dir.FullName;
        throw new InvalidOperationException("SecureApi.sln not found above " + AppContext.BaseDirectory);
    }
}
