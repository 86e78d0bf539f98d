import Vapor

/// The installable field app: a web manifest, a service worker (app shell cached; pages with personal data
/// are never cached) and `field.js`, which keeps report entries made without network in IndexedDB on the
/// phone and sends them when the network returns. Each entry carries the clientId the form was given, so
/// a retried sync finds the entry instead of making a second. An entry the server refuses (invalid, the
/// report submitted or approved meanwhile, not the officer's) is shown as rejected with the server's reason
/// and can be corrected in the entry form and sent again; only entries that really wait for the network
/// (no answer, a server failure) say so. Nothing is dropped without the officer's word.
enum FieldApp {
    /// Where pages load the field app's script from.
    static let scriptPath = "/static/field.js"

    static func register(_ app: Application) {
        app.get("manifest.webmanifest") { _ in asset(manifest, type: "application", subType: "manifest+json") }
        app.get("sw.js") { _ -> Response in
            let res = asset(serviceWorker, type: "text", subType: "javascript")
            res.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
            res.headers.replaceOrAdd(name: "Service-Worker-Allowed", value: "/")
            return res
        }
        app.get("static", "field.js") { _ in asset(fieldJS, type: "text", subType: "javascript") }
        app.get("static", "icon.svg") { _ in asset(icon, type: "image", subType: "svg+xml") }
    }

    static func asset(_ body: String, type: String, subType: String) -> Response {
        let res = Response(status: .ok, body: .init(string: body))
        res.headers.contentType = HTTPMediaType(type: type, subType: subType, parameters: ["charset": "utf-8"])
        res.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return res
    }

    static let manifest = #"""
    {"name": "Sinergi — Pengawasan Orang Asing", "short_name": "Sinergi", "start_url": "/daily-reports", "scope": "/",
     "display": "standalone", "background_color": "#ffffff", "theme_color": "#0b5394", "lang": "id",
     "icons": [{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable"}]}
    """#

    static let icon = #"""
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="18" fill="#0b5394"/><path d="M26 60c6 8 38 8 44-4 5-10-8-15-22-17s-24-7-20-16c5-11 33-11 40-2" fill="none" stroke="#fff" stroke-width="9" stroke-linecap="round"/></svg>
    """#

    /// Caches only the shell (styles, scripts, icon, the offline page); navigations (and the offline page
    /// itself, whose form token must be current) go to the network and, when it is down, get the cached
    /// offline page, which lists what is waiting on the phone.
    static let serviceWorker = #"""
    const SHELL = 'sinergi-shell-v2';
    const STATIC = ['/static/app.css', '/static/field.js', '/static/icon.svg', '/manifest.webmanifest'];
    self.addEventListener('install', e => { e.waitUntil(caches.open(SHELL).then(c => c.addAll(STATIC.concat(['/offline']))).then(() => self.skipWaiting())); });
    self.addEventListener('activate', e => {
      e.waitUntil(caches.keys().then(keys => Promise.all(keys.filter(k => k !== SHELL).map(k => caches.delete(k)))).then(() => self.clients.claim()));
    });
    self.addEventListener('fetch', e => {
      const url = new URL(e.request.url);
      if (e.request.method !== 'GET' || url.origin !== location.origin) { return; }
      if (STATIC.includes(url.pathname)) { e.respondWith(caches.match(e.request).then(r => r || fetch(e.request))); return; }
      // The offline page carries the form token field.js sends with: fresh from the network whenever there is one.
      if (e.request.mode === 'navigate' || url.pathname === '/offline') { e.respondWith(fetch(e.request).catch(() => caches.match('/offline'))); }
    });
    """#

    static let fieldJS = #"""
    (function () {
      if ('serviceWorker' in navigator) { navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {}); }
      var DB = 'sinergi-field', STORE = 'pending';
      function open() {
        return new Promise(function (ok, fail) {
          var r = indexedDB.open(DB, 1);
          r.onupgradeneeded = function () { r.result.createObjectStore(STORE, { keyPath: 'clientId' }); };
          r.onsuccess = function () { ok(r.result); }; r.onerror = function () { fail(r.error); };
        });
      }
      function tx(mode, fn) {
        return open().then(function (db) {
          return new Promise(function (ok, fail) {
            var t = db.transaction(STORE, mode), s = t.objectStore(STORE), out = fn(s);
            t.oncomplete = function () { ok(out && out.result !== undefined ? out.result : out); }; t.onerror = function () { fail(t.error); };
          });
        });
      }
      function all() { return tx('readonly', function (s) { return s.getAll(); }); }
      function get(id) { return tx('readonly', function (s) { return s.get(id); }); }
      function put(item) { return tx('readwrite', function (s) { s.put(item); }); }
      function remove(id) { return tx('readwrite', function (s) { s.delete(id); }); }
      function csrf() { var m = document.cookie.match(/(?:^|; )sinergi_csrf=([^;]+)/); var f = document.querySelector('input[name=_csrf]'); return f ? f.value : (m ? m[1] : ''); }
      var box = document.getElementById('pending-box');
      function attr(name) { return box ? box.getAttribute(name) || '' : ''; }
      function url(name, report) { return attr(name).replace('REPORT', encodeURIComponent(report)); }
      var labels = {};
      try { labels = JSON.parse(attr('data-labels') || '{}'); } catch (e) { labels = {}; }
      function named(kind, v) { return (labels[kind] && labels[kind][v]) || v || ''; }
      /// Why an entry is still on the phone: refused by the server (with its reason), or waiting for the network.
      /// Entries stored by an older version carry `conflict` (a reason) instead of `rejected`.
      function rejection(it) { return it.rejected || (it.conflict ? { message: it.conflict } : null); }

      var form = document.getElementById('entry-form');
      var section = document.getElementById('add-entry');
      var formReport = section ? section.getAttribute('data-report') : null;

      function render() {
        if (!box) { return Promise.resolve(); }
        return all().then(function (items) {
          var list = document.getElementById('pending-list'); list.textContent = '';
          items.forEach(function (it) {
            var f = it.fields || {}, why = rejection(it);
            var li = document.createElement('li');
            li.className = why ? 'rejected conflict' : (it.held ? 'held' : 'waiting');   // .conflict: the stylesheet's colour for a refusal
            li.id = 'pending-' + it.clientId;
            var what = document.createElement('span');
            what.textContent = [f.time, it.placeName || f.kelurahanCode, named('activity', f.activity), named('finding', f.finding)].filter(Boolean).join(' · ');
            var state = document.createElement('strong');
            state.className = 'pending-state';
            state.textContent = why ? attr('data-rejected') + ': ' + [why.message].concat((why.more || []).map(function (m) { return m.message; })).join(' ') : attr(it.held ? 'data-held' : 'data-waiting');
            li.appendChild(what); li.appendChild(document.createTextNode(' — ')); li.appendChild(state);
            if (why) {
              var fix = document.createElement('button');
              fix.type = 'button'; fix.className = 'link-button fix'; fix.textContent = attr('data-fix');
              fix.addEventListener('click', function () { correct(it.clientId); });
              var b = document.createElement('button');
              b.type = 'button'; b.className = 'link discard'; b.textContent = attr('data-discard');
              b.addEventListener('click', function () { if (confirm(attr('data-discard') + '?')) { remove(it.clientId).then(render); } });
              li.appendChild(document.createTextNode(' ')); li.appendChild(fix);
              li.appendChild(document.createTextNode(' ')); li.appendChild(b);
            }
            list.appendChild(li);
          });
          document.getElementById('pending-count').textContent = String(items.length);
          box.hidden = items.length === 0;
        });
      }

      /// Puts a rejected entry back into the entry form of its report (on another page: opens that report),
      /// with the server's reason beside the field it concerns. Sent again, it keeps its clientId.
      function correct(clientId) {
        return get(clientId).then(function (it) {
          if (!it) { return; }
          if (!form || formReport !== it.report) { location.href = url('data-report-url', it.report) + '#fix-' + encodeURIComponent(clientId); return; }
          var f = it.fields || {}, why = rejection(it) || {};
          Array.prototype.forEach.call(form.elements, function (el) {
            if (!el.name || el.name === '_csrf' || el.type === 'file' || el.type === 'submit' || el.type === 'button') { return; }
            if (el.tagName === 'SELECT' && el.getAttribute('data-level')) { return; }
            if (Object.prototype.hasOwnProperty.call(f, el.name)) { el.value = f[el.name]; }
          });
          restorePlace(f);
          Array.prototype.forEach.call(form.querySelectorAll('.fix-error'), function (p) { p.remove(); });
          Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (el) { el.removeAttribute('aria-invalid'); });
          // Every refusal the server named, each beside its field; the first takes the focus.
          var target = null;
          [why].concat(why.more || []).forEach(function (w, k) {
            var el = w.field ? form.querySelector('[name="' + w.field + '"]') : null;
            var p = document.createElement('p'), id = k === 0 ? 'fix-error' : 'fix-error-' + k;
            p.className = 'field-error fix-error'; p.id = id; if (k === 0) { p.setAttribute('role', 'alert'); }
            p.textContent = w.message || '';
            var holder = el ? (el.closest('.region-picker') || el.closest('.field') || el.parentNode) : form;
            if (el) { holder.appendChild(p); el.setAttribute('aria-invalid', 'true'); el.setAttribute('aria-describedby', id); }
            else { form.insertBefore(p, form.firstChild); }
            if (k === 0) { target = el; }
          });
          form.setAttribute('data-fixing', clientId);
          var note = document.getElementById('fix-note');
          if (!note) { note = document.createElement('p'); note.id = 'fix-note'; note.className = 'notice'; form.insertBefore(note, form.firstChild); }
          note.textContent = attr('data-fixing');
          (target || form).scrollIntoView({ block: 'center' });
          if (target && target.focus) { target.focus(); }
        });
      }

      /// The village of a corrected entry back into the region picker: each level's code selected, added as an
      /// option when the list is not loaded (no network needed).
      function restorePlace(f) {
        var picker = form.querySelector('fieldset.region-picker[data-name=kelurahanCode]');
        if (!picker) { return; }
        var code = f.kelurahanCode || '';
        var levels = ['province', 'regency', 'district', 'village'];
        Array.prototype.forEach.call(picker.querySelectorAll('select[data-level]'), function (s) {
          var k = levels.indexOf(s.getAttribute('data-level'));
          var parts = code.split('.'), want = /^[0-9.]+$/.test(code) && parts.length > k ? parts.slice(0, k + 1).join('.') : (f[s.name] || '');
          if (!want) { s.value = ''; return; }
          if (!Array.prototype.some.call(s.options, function (o) { return o.value === want; })) {
            var o = document.createElement('option'); o.value = want; o.textContent = want; s.appendChild(o);
          }
          s.disabled = false; s.value = want;
        });
      }

      /// Sends one entry. Resolves to 'sent'; 'rejected' (the server refused it: kept with the reason);
      /// 'held' (the sign-in ended or the page is stale: kept until the officer signs in or reloads); or
      /// 'waiting' (no answer or a server failure: kept and sent again later). Only the entry's own record,
      /// answered in JSON, counts as saved: a redirect to the sign-in page is not a success.
      /// A current form token, read from the offline page (the page open may be older than the token cookie).
      function refreshToken() {
        return fetch(attr('data-token-url'), { credentials: 'same-origin', cache: 'no-store', redirect: 'manual' })
          .then(function (r) { return r.ok ? r.text() : ''; })
          .then(function (html) {
            var m = html.match(/name="_csrf" value="([^"]+)"/), f = document.querySelector('input[name=_csrf]');
            if (m && f) { f.value = m[1]; return true; }
            return false;
          }, function () { return false; });
      }

      function send(it, retried) {
        function mark(held) {
          if (!!it.held === held) { return Promise.resolve(); }
          if (held) { it.held = true; } else { delete it.held; }
          return put(it);
        }
        var headers = { 'X-CSRF-Token': csrf(), 'Accept': 'application/json', 'Content-Type': 'application/json' };
        if (form && it.report === formReport) { headers['X-Sinergi-Confirm'] = '1'; }   // this page reloads at it: confirm there
        return fetch(url('data-send-url', it.report), { method: 'POST', body: JSON.stringify(it.fields), credentials: 'same-origin', redirect: 'manual',
                                                        headers: headers })
          .then(function (r) {
            return r.json().catch(function () { return null; }).then(function (j) {
              if ((r.status === 200 || r.status === 201) && j && j.clientId) {
                if (j.id && it.report === formReport) { lastSaved = j.id; }
                return remove(it.clientId).then(function () { return 'sent'; });
              }
              var e = j && j.error;
              if (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 408 && r.status !== 429 && e && e.message) {
                it.rejected = { status: r.status, code: e.code || '', field: e.field || '', message: e.message,
                                more: (e.more || []).map(function (m) { return { field: m.field || '', message: m.message || '' }; }) };
                delete it.conflict; delete it.held;
                return put(it).then(function () { return 'rejected'; });
              }
              if (r.status === 403 && !j && !retried) {       // a stale form token: take a current one and try once more
                return refreshToken().then(function (ok) { return ok ? send(it, true) : mark(true).then(function () { return 'held'; }); });
              }
              if (r.type === 'opaqueredirect' || r.status === 401 || (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429)) {
                return mark(true).then(function () { return 'held'; });
              }
              return mark(false).then(function () { return 'waiting'; });
            });
          }, function () { return mark(false).then(function () { return 'waiting'; }); });
      }

      var syncing = false, lastSaved = null;
      /// Sends every entry that waits for the network once; resolves to the number saved.
      function sync() {
        if (syncing) { return Promise.resolve(0); }
        syncing = true;
        var sent = 0, refused = 0;
        return all().then(function (items) {
          return items.filter(function (it) { return !rejection(it); }).reduce(function (p, it) {
            return p.then(function () { return send(it).then(function (outcome) { if (outcome === 'sent') { sent += 1; } if (outcome === 'rejected') { refused += 1; } }); });
          }, Promise.resolve());
        }).catch(function () {}).then(function () { syncing = false; return render(); }).then(function () {
          if (refused > 0 && box) { box.scrollIntoView({ block: 'start' }); }   // a refusal is news: show it
          return sent;
        });
      }
      function syncAndShow() {
        return sync().then(function (sent) {
          if (sent > 0 && form) {
            // Back at the entry just saved, with the server's confirmation in its row (ui.js), not at the emptied form.
            if (lastSaved && history.scrollRestoration) { history.scrollRestoration = 'manual'; location.hash = 'entry-' + lastSaved; }
            location.reload();
          }
        });
      }

      // Entries without a photo are kept on the phone first, then sent: a dead network loses nothing.
      if (form && window.indexedDB && window.fetch) {
        form.addEventListener('submit', function (ev) {
          // The region picker's "next" reloads the form when its lists cannot fill themselves; when it is hidden it
          // was only the form's first button, picked by Enter, and the entry is meant.
          if (ev.submitter && ev.submitter.name === '_picker' && !ev.submitter.closest('[hidden]')) { return; }
          var fileInput = form.querySelector('input[type=file]');
          if (fileInput && fileInput.files.length) { return; }          // a photo goes with the normal form post
          // A required field left empty (no finding chosen): online, the normal post, whose page names each mistake
          // beside its field; offline, the browser's own note on the field (a post would be lost), nothing sent.
          if (form.checkValidity && !form.checkValidity()) {
            if (navigator.onLine === false) { ev.preventDefault(); form.reportValidity(); }
            return;
          }
          ev.preventDefault();
          var fields = {};
          new FormData(form).forEach(function (v, k) { if (k !== '_csrf' && typeof v === 'string') { fields[k] = v; } });
          var item = { clientId: fields.clientId, report: formReport, fields: fields };   // a corrected entry replaces its rejected self
          var village = form.querySelector('select[name=kelurahanCode]');
          if (village && village.selectedIndex > 0) { item.placeName = village.options[village.selectedIndex].text; }   // shown by name, not code
          put(item).then(function () {
            form.reset();
            form.removeAttribute('data-fixing');
            Array.prototype.forEach.call(form.querySelectorAll('.fix-error, #fix-note'), function (p) { p.remove(); });
            var c = form.querySelector('input[name=clientId]');
            c.value = (self.crypto && crypto.randomUUID) ? crypto.randomUUID() : item.clientId.slice(0, 24) + String(Date.now()).slice(-12).padStart(12, '0');
            return render();
          }).then(syncAndShow);
        });
      }
      // Optional GPS position from the browser, asked only when the officer presses the button.
      var locate = document.getElementById('use-location');
      if (locate && navigator.geolocation) {
        locate.hidden = false;
        locate.addEventListener('click', function () {
          navigator.geolocation.getCurrentPosition(function (pos) {
            document.getElementById('latitude').value = pos.coords.latitude.toFixed(6);
            document.getElementById('longitude').value = pos.coords.longitude.toFixed(6);
            document.getElementById('location-text').textContent = pos.coords.latitude.toFixed(5) + ', ' + pos.coords.longitude.toFixed(5) + ' (±' + Math.round(pos.coords.accuracy) + ' m)';
          }, function (err) {
            // The browser's own message is in the browser's language: the page says it in its own.
            var why = err.code === 1 ? 'data-msg-denied' : err.code === 3 ? 'data-msg-timeout' : 'data-msg-unavailable';
            document.getElementById('location-text').textContent = locate.getAttribute(why) || err.message;
          }, { enableHighAccuracy: true, timeout: 15000 });
        });
      }
      var button = document.getElementById('sync-now');
      if (button) { button.addEventListener('click', function () { syncAndShow(); }); }
      window.addEventListener('online', syncAndShow);
      render().then(function () {
        var m = location.hash.match(/^#fix-(.+)$/);
        if (m) { correct(decodeURIComponent(m[1])); }
      });
      setInterval(function () { if (navigator.onLine !== false) { syncAndShow(); } }, 15000);
    })();
    """#
}
