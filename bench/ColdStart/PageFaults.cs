using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ColdStart;

/// <summary>
/// Page faults, the part of a cold start that a host's virtualisation prices: every page a fresh process touches
/// for the first time (heap, stacks, the writable data the runtime rehydrates, relocated libraries) is one fault, and
/// what one fault costs differs tenfold between hosts (a nested or software-paged VM pays far more than a bare
/// KVM guest). The count is a property of the build; the cost per fault is a property of the host. Reporting both
/// lets a cold-start figure measured on one host be read on another.
/// </summary>
public static class PageFaults
{
    /// <summary>Minor faults of a live process so far (<c>/proc/PID/stat</c> field 10); null when unreadable.</summary>
    public static long? MinorFaults(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may itself contain spaces and ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], CultureInfo.InvariantCulture); // field 3 is fields[0]; minflt is field 10
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// What this host charges for the first write to a fresh page: five blocks of 8 MiB, all held until the end (a
    /// freed block would come back already mapped), one byte written per page; the median pass, in µs per page.
    /// </summary>
    public static double FirstTouchMicrosecondsPerPage()
    {
        const int bytes = 8 << 20;
        var page = Environment.SystemPageSize;
        var blocks = new IntPtr[5];
        var passes = new double[blocks.Length];
        try
        {
            for (var pass = 0; pass < blocks.Length; pass++)
            {
                blocks[pass] = Marshal.AllocHGlobal(bytes);
                var started = Stopwatch.GetTimestamp();
                for (var offset = 0; offset < bytes; offset += page) Marshal.WriteByte(blocks[pass], offset, 1);
                passes[pass] = Stopwatch.GetElapsedTime(started).TotalMicroseconds / (bytes / page);
            }
        }
        finally
        {
            foreach (var block in blocks)
                if (block != IntPtr.Zero) Marshal.FreeHGlobal(block);
        }
        Array.Sort(passes);
        return passes[passes.Length / 2];
    }
}
