import Vapor

/// The stylesheet is compiled into the binary, so the app serves the same assets from any working
/// directory and needs no CDN.
enum StaticAssets {
    static func register(_ app: Application) {
        app.get("static", "imports.js") { _ -> Response in
            let res = Response(status: .ok, body: .init(string: importsJS))
            res.headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
            res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return res
        }
        app.get("static", "ui.js") { _ -> Response in
            let res = Response(status: .ok, body: .init(string: UIScript.js))
            res.headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
            res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return res
        }
        app.get("static", "app.css") { _ -> Response in
            let res = Response(status: .ok, body: .init(string: css))
            res.headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
            res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return res
        }
    }

    static let widths = stride(from: 0, through: 100, by: 10).map { ".bar span.fill.w\($0) { width:\($0 == 0 ? 2 : $0 * 2)px; }" }.joined(separator: " ")

    /// Imports: upload with a progress bar (XMLHttpRequest upload events), then the reconciliation's
    /// progress polled until it is over. Without JavaScript the forms still work, just without bars.
    static let importsJS = #"""
    (function () {
      var form = document.getElementById('upload-form');
      if (form && window.XMLHttpRequest && window.FormData) {
        form.addEventListener('submit', function (ev) {
          ev.preventDefault();
          var status = document.getElementById('upload-status');
          var bar = document.getElementById('upload-progress');
          var pct = document.getElementById('upload-percent');
          var err = document.getElementById('upload-error');
          var button = form.querySelector('button[type=submit]');
          // A file over the limit is refused here, before minutes of uploading, with the server's own message.
          var input = form.querySelector('input[type=file]');
          var maxBytes = parseInt(form.getAttribute('data-max-bytes'), 10);
          if (input && input.files && input.files[0] && maxBytes && input.files[0].size > maxBytes) {
            err.textContent = form.getAttribute('data-msg-too-large'); err.hidden = false; return;
          }
          status.hidden = false; err.hidden = true; button.disabled = true;
          var xhr = new XMLHttpRequest();
          xhr.open('POST', form.action);
          var token = form.querySelector('input[name=_csrf]');
          if (token) { xhr.setRequestHeader('X-CSRF-Token', token.value); }
          xhr.upload.addEventListener('progress', function (e) {
            if (e.lengthComputable) { var p = Math.round(e.loaded * 100 / e.total); bar.value = p; pct.textContent = p + '%'; }
          });
          xhr.addEventListener('load', function () {
            if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) { bar.value = 100; window.location.assign(xhr.responseURL); return; }
            // Stored, then sent on to its preview, which refuses rows (422): open the preview, with its table of rows.
            if (xhr.responseURL && xhr.responseURL.indexOf('/imports/preview/') !== -1) { bar.value = 100; window.location.assign(xhr.responseURL); return; }
            button.disabled = false; status.hidden = true;
            var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
            // The server's messages, in the page's language: those beside the fields, else the page's own.
            var msgs = Array.prototype.map.call(doc.querySelectorAll('.field-error'), function (e) { return e.textContent; });
            var page = doc.querySelector('.error p, .alert:not([hidden])');
            if (!msgs.length && page && page.textContent.trim()) { msgs.push(page.textContent); }
            err.textContent = msgs.length ? msgs.join(' ') : form.getAttribute('data-msg-failed');
            err.hidden = false;
          });
          xhr.addEventListener('error', function () {
            button.disabled = false; status.hidden = true; err.textContent = form.getAttribute('data-msg-network'); err.hidden = false;
          });
          xhr.send(new FormData(form));
        });
      }
      var progress = document.getElementById('reconcile-progress');
      if (progress) {
        var url = progress.getAttribute('data-progress-url');
        var label = document.getElementById('reconcile-percent');
        var poll = function () {
          fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
            .then(function (r) { return r.json(); })
            .then(function (s) {
              progress.value = s.progress; label.textContent = s.progress + '%';
              // Done: the page again, saying so (the confirmation of the start was shown before the wait).
              if (s.status !== 'reconciling') { window.location.replace(window.location.pathname + '?finished=1'); } else { setTimeout(poll, 1000); }
            })
            .catch(function () { setTimeout(poll, 3000); });
        };
        setTimeout(poll, 500);
      }
    })();
    """#

    static let css = """
    :root { --ink:#1d2433; --muted:#5b6475; --line:#d9dee7; --bg:#f5f7fa; --card:#fff; --brand:#0b5394; --ok:#1e7b34; --warn:#a15c00; --bad:#b3261e; }
    * { box-sizing: border-box; }
    body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
    a { color:var(--brand); }
    header.top { display:flex; flex-wrap:wrap; gap:.5rem 1.25rem; align-items:center; padding:.6rem 1rem; background:var(--brand); color:#fff; }
    header.top a { color:#fff; text-decoration:none; }
    .brand { font-weight:700; font-size:1.15rem; display:flex; flex-direction:column; line-height:1.1; }
    .brand small { font-weight:400; font-size:.72rem; opacity:.85; }
    header nav { flex:1; min-width:0; }
    /* The navigation and account share a wrapper that is no box (the header as it was); on phones it is the menu. */
    .site-menu { display:contents; color:inherit; }   /* not the popover's own colours: the header's */
    .menu-toggle { display:none; }
    ul.nav { list-style:none; margin:0; padding:0; display:flex; flex-wrap:wrap; gap:.25rem 1rem; align-items:center; }
    ul.nav a[aria-current] { border-bottom:2px solid #fff; }
    details.menu { position:relative; }
    details.menu summary { cursor:pointer; list-style:none; }
    details.menu summary::after { content:" ▾"; font-size:.8em; }
    details.menu summary::-webkit-details-marker { display:none; }
    details.menu[data-current] > summary { border-bottom:2px solid #fff; }
    details.menu ul { list-style:none; margin:.3rem 0 0; padding:.4rem 0; position:absolute; z-index:10; min-width:14rem; background:var(--card); border:1px solid var(--line); border-radius:6px; box-shadow:0 4px 14px rgba(0,0,0,.12); }
    details.menu ul a { display:block; padding:.45rem .9rem; color:var(--ink) !important; }
    details.menu ul a[aria-current] { border-bottom:0; font-weight:700; background:#eef4fb; }
    .skip { position:absolute; left:-10000px; }
    .skip:focus { left:.5rem; top:.5rem; background:#fff; color:var(--brand); padding:.4rem .6rem; z-index:20; }
    .field { margin-bottom:.2rem; }
    .field-error { color:var(--bad); font-weight:600; margin:.25rem 0 0; }
    .problem { display:block; }
    .has-error input, .has-error select, .has-error textarea, [aria-invalid=true] { border-color:var(--bad); border-width:2px; }
    .hint { color:var(--muted); font-size:.88rem; margin:.1rem 0 .25rem; }
    .req { color:var(--bad); }
    :focus-visible { outline:3px solid #f4b400; outline-offset:2px; }
    fieldset.region-picker { border:1px solid var(--line); border-radius:8px; padding:.5rem .8rem .8rem; margin:.8rem 0; min-width:0; }
    fieldset.region-picker legend { font-weight:600; padding:0 .3rem; }
    .region-levels { display:grid; grid-template-columns:repeat(auto-fit, minmax(180px, 1fr)); gap:0 .8rem; }
    .region-levels label { font-weight:500; font-size:.9rem; }
    .region-search { position:relative; }
    ul.region-results { list-style:none; margin:.2rem 0 0; padding:0; border:1px solid var(--line); border-radius:6px; background:var(--card); max-height:18rem; overflow-y:auto; position:absolute; z-index:5; left:0; right:0; }
    ul.region-results li { padding:.45rem .6rem; cursor:pointer; border-bottom:1px solid var(--line); }
    ul.region-results li[aria-selected=true], ul.region-results li:hover { background:#eef4fb; }
    ul.region-results .name { font-weight:600; display:block; }
    ul.region-results .path, ul.region-results .code, .code { color:var(--muted); font-size:.85rem; }
    ul.region-results .code { margin-left:.4rem; }
    /* Citizens know their village by name: the official codes are for staff. */
    .region-picker.plain-names .code, .region-picker.plain-names .region-chosen { display:none; }
    p.actions { margin:.9rem 0 .2rem; }
    input.check { width:auto; margin-right:.4rem; vertical-align:middle; }
    label.inline-label { display:inline; font-weight:500; }
    .flash { border-left-color:var(--ok); background:#e3f3e6; }
    main { overflow-wrap:anywhere; }
    img, svg, video { max-width:100%; }
    .account { display:flex; gap:.8rem; align-items:center; font-size:.9rem; }
    .who-short { display:none; }
    button.link { background:none; border:0; color:#fff; text-decoration:underline; cursor:pointer; font:inherit; padding:0; }
    form.inline { display:inline; }
    .picker-search .inline { display:flex; gap:.5rem; align-items:center; }
    .picker-search .inline input { flex:1; min-width:0; }
    main { max-width:1100px; margin:1rem auto; padding:0 1rem; }
    h1 { font-size:1.4rem; margin:.3rem 0 1rem; }
    h2 { font-size:1.1rem; margin:1.2rem 0 .5rem; }
    .card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; }
    .narrow { max-width:420px; margin:2rem auto; }
    .wide-form { max-width:640px; }
    .hp { position:absolute; left:-10000px; width:1px; height:1px; overflow:hidden; }
    .grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(200px, 1fr)); gap:1rem; }
    .stat { font-size:2rem; font-weight:700; }
    .stat.nowrap { white-space:nowrap; font-size:clamp(1.1rem, 6.5vw, 2rem); font-variant-numeric:tabular-nums; }
    .multiline { white-space:pre-line; }
    .stat-label { color:var(--muted); }
    .stat-label a { display:inline-block; min-height:44px; line-height:44px; }
    .actions.quick a.button { min-height:44px; line-height:1.6; }
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
    .badge.notYetValid { background:#eef4fb; color:var(--brand); }
    label { display:block; font-weight:600; margin:.6rem 0 .2rem; }
    textarea { font:inherit; width:100%; padding:.45rem .5rem; border:1px solid var(--line); border-radius:6px; }
    textarea.mono { font:15px/1.3 ui-monospace, monospace; text-transform:uppercase; }
    input, select { font:inherit; padding:.45rem .5rem; border:1px solid var(--line); border-radius:6px; width:100%; max-width:100%; }
    button, .button { font:inherit; background:var(--brand); color:#fff; border:0; border-radius:6px; padding:.5rem 1rem; cursor:pointer; }
    form.filters { display:flex; flex-wrap:wrap; gap:.5rem; align-items:flex-end; margin-bottom:1rem; }
    form.filters > * { flex:1 1 160px; }
    form.filters button { flex:0 0 auto; }
    .pager { display:flex; gap:1rem; justify-content:space-between; align-items:center; margin:.8rem 0; }
    .pager a { display:inline-block; min-height:44px; line-height:44px; padding:0 .4rem; }
    dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; margin:0; }
    dl.facts dt { color:var(--muted); }
    dl.facts dd { margin:0; }
    .bar { display:flex; align-items:center; gap:.5rem; }
    .bar span.fill { display:inline-block; height:.6rem; background:var(--brand); border-radius:3px; }
    button.secondary, .button.secondary { background:#fff; color:var(--brand); border:1px solid var(--brand); }
    .grid.two { grid-template-columns:repeat(auto-fit, minmax(260px, 1fr)); }
    nav.tabs { display:flex; flex-wrap:wrap; gap:.25rem 1rem; margin-bottom:1rem; }
    nav.tabs a { white-space:nowrap; }
    .review-item button { min-height:44px; }
    .linked-via > p, .linked-here > p { margin:0; }
    .notice .see { display:flex; flex-wrap:wrap; gap:0 1rem; margin-top:.2rem; }
    .notice .see a { display:inline-flex; align-items:center; min-height:44px; white-space:nowrap; }
    .review-item { scroll-margin-top:.75rem; }
    .review-item:target, .review-item:focus { outline:3px solid var(--brand); outline-offset:2px; }
    .review-item form.inline + form.inline { margin-left:.6rem; }
    /* Come back to a form at an anchor (a target's result) with room above it for whose it is. */
    form.triage { scroll-margin-top:5rem; }
    nav.tabs a[aria-current] { font-weight:700; border-bottom:2px solid var(--brand); }
    table.why td { padding:.2rem .5rem; }
    table.why tr.rest td, table.why tr.total td { color:var(--muted); }
    table.why tr.total td { font-weight:600; color:inherit; border-top:1px solid var(--line); }
    table.compare { table-layout:fixed; }
    table.compare tr > :first-child { width:30%; }
    table.compare th[scope=row] { font-size:.9rem; text-transform:none; letter-spacing:0; color:var(--ink); }
    table.compare td { overflow-wrap:anywhere; }
    table.compare .cmp { display:block; font-size:.78rem; font-weight:600; }
    dl.facts .cmp, .link-candidate h2 .cmp { margin-left:.5rem; font-size:.78rem; font-weight:600; }
    table.compare tr.is-0 { background:#fdecea; }
    table.compare tr.is-1 { background:#fff6e0; }
    .cmp-0 { color:var(--bad); }
    .cmp-1 { color:var(--warn); }
    .cmp-exact { color:var(--ok); }
    .cmp--1, .cmp-setAside { color:var(--muted); font-weight:400; }
    .bar span.fill.neg { background:var(--bad); }
    \(widths)
    progress { width:100%; max-width:420px; height:1rem; }
    svg.chart { width:100%; height:auto; font-size:11px; fill:var(--muted); }
    svg.chart rect.entries { fill:var(--brand); }
    svg.chart rect.flagged { fill:var(--bad); }
    svg.chart line.axis { stroke:var(--line); }
    button.link-button { background:none; border:0; color:var(--brand); text-decoration:underline; padding:.2rem 0; cursor:pointer; }
    #pending-list li.conflict { color:var(--bad); }
    #pending-list button.discard { color:var(--bad); background:none; border:0; text-decoration:underline; padding:0; cursor:pointer; }
    a.button { display:inline-block; text-align:center; text-decoration:none; }
    .nowrap { white-space:nowrap; }
    p.check-row { display:flex; align-items:flex-start; gap:.45rem; margin:.25rem 0; }
    p.check-row input.check { flex:0 0 auto; margin:.3rem 0 0; }
    p.check-row label.inline-label { margin:0; padding:.15rem 0; }
    ul.notifications { list-style:none; padding:.3rem 1rem; }
    ul.notifications li { padding:.5rem 0; border-bottom:1px solid var(--line); }
    ul.notifications li:last-child { border-bottom:0; }
    ul.notifications button.link-button { display:block; width:100%; text-align:left; }
    ul.notifications li.unread button.link-button { font-weight:700; }
    ul.messages { list-style:none; padding:0; margin:0; }
    ul.messages li { padding:.55rem 0; border-bottom:1px solid var(--line); }
    ul.messages li:last-child { border-bottom:0; }
    ul.messages .when { white-space:nowrap; }
    .chart-scroll { overflow-x:auto; direction:rtl; }   /* opens on its right end: the latest days */
    .chart-scroll svg.chart { direction:ltr; }
    .chart-scroll svg.chart { min-width:600px; }
    .qr svg { display:block; width:100%; max-width:15rem; height:auto; aspect-ratio:1 / 1; margin:.5rem 0; }
    code.key { font-size:1.1rem; letter-spacing:.05em; overflow-wrap:anywhere; }
    ul.codes { columns:2; font-size:1.1rem; }
    ul.plain { list-style:none; padding:0; display:flex; flex-wrap:wrap; gap:.5rem; }
    ul.plain a.button { display:block; }
    img.thumb { display:block; max-width:120px; max-height:90px; margin-top:.3rem; border-radius:4px; border:1px solid var(--line); }
    @media print { nav.tabs, .review-item form, #new-import, .no-print { display:none; } .card { break-inside:avoid; } }
    @media (max-width: 640px) {
      table thead { position:absolute; left:-10000px; }
      table, table tbody, table tr, table td { display:block; width:100%; }
      table caption { display:block; text-align:left; font-weight:600; padding:.3rem .5rem; }
      table tr { border-bottom:1px solid var(--line); padding:.4rem 0; }
      table td { border:0; padding:.15rem .5rem; }
      /* The comparison keeps its two records side by side: each field's name and mark on a line of their own, the
         two values below it, in the columns the heading names. */
      table.compare, table.compare thead, table.compare tbody { display:block; }
      table.compare thead { position:static; }
      table.compare tr { display:grid; grid-template-columns:1fr 1fr; column-gap:.5rem; padding:.3rem 0; }
      table.compare tr > :first-child { grid-column:1 / -1; width:auto; }
      table.compare thead tr > :first-child { display:none; }
      table.compare td, table.compare th { display:block; width:auto; border:0; padding:.1rem .35rem; }
      table.compare .cmp { display:inline; margin-left:.5rem; }
      table.compare td[data-label]::before { content:none; }
      /* The weights stay a table on phones: four short columns fit, and a block per field ran to a screen's height. */
      table.why { display:table; width:100%; }
      table.why thead { position:static; display:table-header-group; }
      table.why tbody { display:table-row-group; }
      table.why tr { display:table-row; padding:0; }
      table.why td, table.why th { display:table-cell; width:auto; padding:.15rem .3rem; }
      table.why td[data-label]::before { content:none; }
      table.why .size { display:none; }   /* the bars: the numbers say it on a phone */
      table.why .weight { white-space:nowrap; }
      table td[data-label]::before { content:attr(data-label); display:block; font-size:.78rem; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
      .account .who .who-name { display:none; }
      .account .who .who-short { display:inline; }
      .account { gap:1.1rem; }
      .account a, .account button.link, ul.nav > li > a, details.menu summary { display:inline-block; padding:.65rem .15rem; }
      input.check, input[type=checkbox], input[type=radio] { width:1.35rem; height:1.35rem; }
      label.inline-label { display:inline-block; padding:.45rem 0; }
      header nav { flex-basis:100%; order:3; }
      ul.nav { gap:.4rem .9rem; }
      details.menu ul { position:static; box-shadow:none; }
      ul.nav { align-items:flex-start; }
      ul.nav > li:has(details[open]) { flex-basis:100%; }
      main { padding:0 .6rem; }
      .narrow { margin:1rem auto; }
      dl.facts { grid-template-columns:1fr; }
      dl.facts dd { margin-bottom:.4rem; }
      form.filters > * { flex:1 1 100%; }
      td a, dd a { display:inline-block; padding:.3rem 0; }
      .brand small { display:none; }
      .pager { flex-wrap:wrap; }
    }
    @media (max-width: 900px) {
      /* One line of header on phones and tablets (where the supervisor's navigation wrapped to three lines): the
         brand and a "Menu" button opening the navigation and account over the page (a popover). Browsers without
         popovers keep the wrapped header. */
      @supports selector(:popover-open) {
        header.top { flex-wrap:nowrap; min-height:3.5rem; padding:.3rem .6rem .3rem 1rem; }
        .menu-toggle { display:inline-flex; align-items:center; gap:.4rem; margin-left:auto; min-height:44px; min-width:44px; padding:0 .9rem;
                       background:transparent; color:#fff; border:1px solid rgba(255,255,255,.75); border-radius:6px; }
        .menu-toggle::after { content:"▾"; font-size:.8em; }
        .site-menu[popover]:not(:popover-open) { display:none; }
        .site-menu[popover]:popover-open { display:flex; flex-direction:column; gap:.3rem; position:fixed; inset:3.5rem 0 auto 0; width:auto; height:auto;
                       max-height:calc(100vh - 3.5rem); overflow-y:auto; margin:0; padding:.4rem 1rem 1rem; border:0; border-top:1px solid rgba(255,255,255,.35);
                       background:var(--brand); color:#fff; box-shadow:0 10px 24px rgba(0,0,0,.3); }
        .site-menu[popover] nav { flex:none; order:0; }
        .site-menu[popover] ul.nav { flex-direction:column; align-items:stretch; gap:0; }
        .site-menu[popover] ul.nav > li > a, .site-menu[popover] details.menu summary { display:flex; align-items:center; min-height:44px; padding:0 .2rem; }
        .site-menu[popover] details.menu ul a { display:flex; align-items:center; min-height:44px; padding:0 .9rem; }
        .site-menu[popover] .account { flex-wrap:wrap; gap:0 1.4rem; border-top:1px solid rgba(255,255,255,.35); padding-top:.2rem; }
        .site-menu[popover] .account a, .site-menu[popover] .account button.link { display:inline-flex; align-items:center; min-height:44px; padding:0 .15rem; }
      }
    }
    @media print { header.top, form.filters, .pager { display:none; } body { background:#fff; } }
    """
}
