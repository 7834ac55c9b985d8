// The developer console's only script (no CDN, no framework): polls /_console/api/requests for rows after the
// last one seen, and draws a principal's usage as inline SVG.
"use strict";
const SecureApiConsole = (() => {
  const text = (value) => (value === null || value === undefined ? "" : String(value));
  const cell = (row, value, className) => {
    const td = row.insertCell();
    td.textContent = text(value);
    if (className) td.className = className;
    return td;
  };
  const cacheText = (cache) => !cache ? "—" : cache.hit ? `hit ${cache.keyHash} (${cache.ageSeconds}s old)` : `miss ${cache.keyHash}`;

  function requests() {
    const body = document.querySelector("#requests tbody");
    const detail = document.getElementById("detail");
    let last = 0;
    const show = (request) => {
      document.getElementById("detail-title").textContent = `#${request.seq} ${request.method} ${request.path}`;
      document.getElementById("detail-body").textContent = JSON.stringify(request, null, 2);
      detail.hidden = false;
    };
    const add = (request) => {
      const row = body.insertRow(0);
      row.className = request.decision;
      row.dataset.seq = request.seq;
      row.dataset.reason = request.reason;
      cell(row, new Date(request.at).toLocaleTimeString());
      cell(row, request.method);
      cell(row, request.path, "path");
      cell(row, request.status, "status");
      cell(row, request.authorizer || "none");
      cell(row, cacheText(request.cache));
      cell(row, request.decision, "decision");
      cell(row, request.reason, "reason");
      const who = cell(row, "");
      if (request.principalId) {
        const link = document.createElement("a");
        link.href = `/_console/principal?id=${encodeURIComponent(request.principalId)}`;
        link.textContent = request.principalId;
        link.addEventListener("click", (e) => e.stopPropagation());
        who.appendChild(link);
      }
      cell(row, request.rateLimit ? request.rateLimit.state : "");
      row.addEventListener("click", () => show(request));
      while (body.rows.length > 200) body.deleteRow(-1);
    };
    const poll = async () => {
      try {
        const response = await fetch(`/_console/api/requests?after=${last}`, { cache: "no-store" });
        if (response.ok) {
          const page = await response.json();
          for (const request of page.requests) { add(request); last = Math.max(last, request.seq); }
        }
      } catch { /* the API restarted: try again next tick */ }
      setTimeout(poll, 1000);
    };
    poll();
  }

  function usageChart(hours, plan, usage) {
    // Cumulative requests through the day (bars per UTC hour) against the quota, and the current rate window.
    const width = 720, height = 220, left = 48, bottom = 24, top = 16;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${width} ${height + 40}`);
    svg.setAttribute("width", width);
    svg.setAttribute("role", "img");
    const add = (name, attrs, content) => {
      const el = document.createElementNS(ns, name);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      if (content !== undefined) el.textContent = content;
      svg.appendChild(el);
      return el;
    };
    let total = 0;
    const cumulative = hours.map((count) => (total += count));
    const quota = plan && plan.period === "day" ? plan.quota : 0;
    const max = Math.max(1, total, quota && quota <= total * 4 ? quota : 0);
    const plotHeight = height - bottom - top, step = (width - left) / 24;
    const y = (value) => top + plotHeight - (value / max) * plotHeight;
    add("line", { x1: left, y1: y(0), x2: width, y2: y(0), stroke: "#999" });
    add("text", { x: 4, y: y(max) + 4 }, String(max));
    add("text", { x: 4, y: y(0) }, "0");
    const thisHour = new Date().getUTCHours();
    cumulative.forEach((value, hour) => {
      if (hour % 3 === 0) add("text", { x: left + hour * step, y: height - 6 }, `${String(hour).padStart(2, "0")}h`);
      if (hour > thisHour) return;                       // the rest of the day has not happened yet
      const bar = add("rect", { x: left + hour * step + 2, y: y(value), width: step - 4, height: y(0) - y(value), fill: "#4a7bd0",
        class: "hour", "data-hour": hour, "data-count": hours[hour] });
      bar.appendChild(document.createElementNS(ns, "title")).textContent = `${String(hour).padStart(2, "0")}:00 UTC: ${hours[hour]} (so far ${value})`;
    });
    if (quota && quota <= max) {
      add("line", { x1: left, y1: y(quota), x2: width, y2: y(quota), stroke: "#b3261e", "stroke-dasharray": "4 3" });
      add("text", { x: width - 120, y: y(quota) - 4 }, `daily quota ${quota}`);
    }
    if (plan && usage) {
      const gauge = width - left, used = Math.min(1, usage.windowUsed / Math.max(1, plan.burst));
      add("rect", { x: left, y: height + 12, width: gauge, height: 12, fill: "#e3e8f0" });
      add("rect", { x: left, y: height + 12, width: gauge * used, height: 12, fill: used >= 1 ? "#b3261e" : "#1b7f3b" });
      add("text", { x: left, y: height + 38 },
        `rate window: ${usage.windowUsed} of ${plan.burst} used (${plan.ratePerSecond}/s); quota: ${usage.quotaUsed} of ${plan.quota} per ${plan.period}`);
    }
    return svg;
  }

  async function principal() {
    const id = new URLSearchParams(location.search).get("id") || "";
    document.getElementById("principal-id").textContent = id;
    const section = document.getElementById("principal");
    const response = await fetch(`/_console/api/principals/${encodeURIComponent(id)}`, { cache: "no-store" });
    if (!response.ok) { section.textContent = `The store did not answer (${response.status}).`; return; }
    const p = await response.json();
    section.replaceChildren();
    const dl = section.appendChild(document.createElement("dl"));
    const row = (term, value) => {
      dl.appendChild(document.createElement("dt")).textContent = term;
      dl.appendChild(document.createElement("dd")).textContent = value;
    };
    row("Stored", p.stored ? "yes" : "no (the credential's own roles apply)");
    row("Roles", p.roles.join(", ") || "—");
    row("Permissions", p.permissions.join(", ") || "—");
    row("Disabled", p.disabled ? "yes" : "no");
    row("Plan", p.plan ? `${p.plan.ratePerSecond}/s, burst ${p.plan.burst}, quota ${p.plan.quota} per ${p.plan.period}${p.plan.own ? " (its own)" : " (default)"}` : "—");
    const keys = section.appendChild(document.createElement("table"));
    keys.id = "keys";
    const head = keys.createTHead().insertRow();
    for (const name of ["Key id", "Kind", "Status", "Created", "Expires", "Description"]) head.appendChild(document.createElement("th")).textContent = name;
    const body = keys.createTBody();
    for (const key of p.keys) {
      const r = body.insertRow();
      for (const value of [key.keyId, key.kind, key.status, key.createdAt, key.expiresAt, key.description]) cell(r, value);
    }
    if (p.keys.length === 0) cell(body.insertRow(), "No stored keys.");
    document.getElementById("chart").replaceChildren(usageChart(p.hoursToday, p.plan, p.usage));
  }

  return { requests, principal };
})();
