import Vapor

/// The stylesheet is compiled into the binary, so the app serves the same assets from any working
/// directory and needs no CDN.
enum StaticAssets {
    static func register(_ app: Application) {
        app.get("static", "app.css") { _ -> Response in
            let res = Response(status: .ok, body: .init(string: css))
            res.headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
            res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return res
        }
    }

    static let css = """
    :root { --ink:#1d2433; --muted:#5b6475; --line:#d9dee7; --bg:#f5f7fa; --card:#fff; --brand:#0b5394; --ok:#1e7b34; --warn:#a15c00; --bad:#b3261e; }
    * { box-sizing: border-box; }
    body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
    a { color:var(--brand); }
    header.top { display:flex; flex-wrap:wrap; gap:.5rem 1.25rem; align-items:center; padding:.6rem 1rem; background:var(--brand); color:#fff; }
    header.top a { color:#fff; text-decoration:none; }
    .brand { font-weight:700; font-size:1.15rem; display:flex; flex-direction:column; line-height:1.1; }
    .brand small { font-weight:400; font-size:.72rem; opacity:.85; }
    header nav { display:flex; flex-wrap:wrap; gap:.25rem .9rem; flex:1; }
    header nav a[aria-current] { border-bottom:2px solid #fff; }
    .account { display:flex; gap:.8rem; align-items:center; font-size:.9rem; }
    button.link { background:none; border:0; color:#fff; text-decoration:underline; cursor:pointer; font:inherit; padding:0; }
    form.inline { display:inline; }
    main { max-width:1100px; margin:1rem auto; padding:0 1rem; }
    h1 { font-size:1.4rem; margin:.3rem 0 1rem; }
    h2 { font-size:1.1rem; margin:1.2rem 0 .5rem; }
    .card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; }
    .narrow { max-width:420px; margin:2rem auto; }
    .wide-form { max-width:640px; }
    .hp { position:absolute; left:-10000px; width:1px; height:1px; overflow:hidden; }
    .grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(200px, 1fr)); gap:1rem; }
    .stat { font-size:2rem; font-weight:700; }
    .stat-label { color:var(--muted); }
    .muted { color:var(--muted); }
    .notice { background:#eef4fb; border-left:4px solid var(--brand); padding:.6rem .8rem; margin-bottom:1rem; }
    .alert { background:#fdecea; border-left:4px solid var(--bad); padding:.6rem .8rem; margin-bottom:1rem; }
    table { width:100%; border-collapse:collapse; background:var(--card); }
    th, td { text-align:left; padding:.45rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; }
    th { font-size:.82rem; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
    .badge { display:inline-block; padding:.1rem .5rem; border-radius:999px; font-size:.82rem; white-space:nowrap; }
    .badge.valid { background:#e3f3e6; color:var(--ok); }
    .badge.expiring { background:#fff1dc; color:var(--warn); }
    .badge.overstayed { background:#fdecea; color:var(--bad); font-weight:600; }
    .badge.noPermit { background:#eceff3; color:var(--muted); }
    label { display:block; font-weight:600; margin:.6rem 0 .2rem; }
    textarea { font:15px/1.3 ui-monospace, monospace; width:100%; padding:.45rem .5rem; border:1px solid var(--line); border-radius:6px; text-transform:uppercase; }
    input, select { font:inherit; padding:.45rem .5rem; border:1px solid var(--line); border-radius:6px; width:100%; max-width:100%; }
    button, .button { font:inherit; background:var(--brand); color:#fff; border:0; border-radius:6px; padding:.5rem 1rem; cursor:pointer; }
    form.filters { display:flex; flex-wrap:wrap; gap:.5rem; align-items:flex-end; margin-bottom:1rem; }
    form.filters > * { flex:1 1 160px; }
    form.filters button { flex:0 0 auto; }
    .pager { display:flex; gap:1rem; justify-content:space-between; align-items:center; margin:.8rem 0; }
    dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; margin:0; }
    dl.facts dt { color:var(--muted); }
    dl.facts dd { margin:0; }
    .bar { display:flex; align-items:center; gap:.5rem; }
    .bar span.fill { display:inline-block; height:.6rem; background:var(--brand); border-radius:3px; }
    @media (max-width: 640px) {
      table.responsive thead { display:none; }
      table.responsive tr { display:block; border-bottom:1px solid var(--line); padding:.4rem 0; }
      table.responsive td { display:block; border:0; padding:.15rem .5rem; }
      .account .who { display:none; }
    }
    @media print { header.top, form.filters, .pager { display:none; } body { background:#fff; } }
    """
}
