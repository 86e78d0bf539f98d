import Vapor

/// The installable field app: a web manifest, a service worker (app shell cached; pages with personal data
/// are never cached) and `field.js`, which keeps report entries made without network in IndexedDB on the
/// phone and sends them when the network returns. Each entry carries the clientId the form was given, so
/// a retried sync finds the entry instead of making a second; a conflict (the report was submitted or
/// approved meanwhile) is shown with the entry, never dropped.
enum FieldApp {
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

    /// Caches only the shell (styles, scripts, icon, the offline page); navigations go to the network and,
    /// when it is down, get the offline page, which lists what is waiting on the phone.
    static let serviceWorker = #"""
    const SHELL = 'sinergi-shell-v1';
    const FILES = ['/static/app.css', '/static/field.js', '/static/icon.svg', '/manifest.webmanifest', '/offline'];
    self.addEventListener('install', e => { e.waitUntil(caches.open(SHELL).then(c => c.addAll(FILES)).then(() => self.skipWaiting())); });
    self.addEventListener('activate', e => {
      e.waitUntil(caches.keys().then(keys => Promise.all(keys.filter(k => k !== SHELL).map(k => caches.delete(k)))).then(() => self.clients.claim()));
    });
    self.addEventListener('fetch', e => {
      const url = new URL(e.request.url);
      if (e.request.method !== 'GET' || url.origin !== location.origin) { return; }
      if (FILES.includes(url.pathname)) { e.respondWith(caches.match(e.request).then(r => r || fetch(e.request))); return; }
      if (e.request.mode === 'navigate') { e.respondWith(fetch(e.request).catch(() => caches.match('/offline'))); }
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
      function put(item) { return tx('readwrite', function (s) { s.put(item); }); }
      function remove(id) { return tx('readwrite', function (s) { s.delete(id); }); }
      function csrf() { var m = document.cookie.match(/(?:^|; )sinergi_csrf=([^;]+)/); var f = document.querySelector('input[name=_csrf]'); return f ? f.value : (m ? m[1] : ''); }

      function render() {
        var box = document.getElementById('pending-box');
        if (!box) { return Promise.resolve(); }
        return all().then(function (items) {
          var list = document.getElementById('pending-list'); list.textContent = '';
          items.forEach(function (it) {
            var li = document.createElement('li');
            li.textContent = it.fields.time + ' · ' + it.fields.kelurahanCode + ' · ' + it.fields.activity + ' · ' + it.fields.finding + (it.conflict ? ' — ' + it.conflict : '');
            if (it.conflict) {
              li.className = 'conflict';
              var b = document.createElement('button');
              b.type = 'button'; b.className = 'link discard'; b.textContent = box.getAttribute('data-discard');
              b.addEventListener('click', function () { if (confirm(box.getAttribute('data-discard') + '?')) { remove(it.clientId).then(render); } });
              li.appendChild(document.createTextNode(' ')); li.appendChild(b);
            }
            list.appendChild(li);
          });
          document.getElementById('pending-count').textContent = String(items.length);
          box.hidden = items.length === 0;
        });
      }

      function send(it) {
        var body = new FormData();
        Object.keys(it.fields).forEach(function (k) { body.append(k, it.fields[k]); });
        return fetch('/daily-reports/' + it.report + '/entries.json', { method: 'POST', body: body, credentials: 'same-origin',
                                                                         headers: { 'X-CSRF-Token': csrf(), 'Accept': 'application/json' } })
          .then(function (r) {
            if (r.status === 200 || r.status === 201) { return remove(it.clientId).then(function () { return true; }); }
            return r.json().catch(function () { return {}; }).then(function (j) {
              it.conflict = (j && j.error) || ('HTTP ' + r.status);       // kept and shown, never dropped
              return put(it).then(function () { return false; });
            });
          });
      }

      var syncing = false;
      /// Sends every waiting entry once; resolves to the number sent.
      function sync() {
        if (syncing) { return Promise.resolve(0); }
        syncing = true;
        var sent = 0;
        return all().then(function (items) {
          return items.filter(function (it) { return !it.conflict; }).reduce(function (p, it) {
            return p.then(function () { return send(it).then(function (ok) { if (ok) { sent += 1; } }); });
          }, Promise.resolve());
        }).catch(function () {}).then(function () { syncing = false; return render(); }).then(function () { return sent; });
      }
      function syncAndShow() {
        return sync().then(function (sent) { if (sent > 0 && document.getElementById('entry-form')) { location.reload(); } });
      }

      // Entries without a photo are kept on the phone first, then sent: a dead network loses nothing.
      var form = document.getElementById('entry-form');
      if (form && window.indexedDB && window.fetch) {
        form.addEventListener('submit', function (ev) {
          var fileInput = form.querySelector('input[type=file]');
          if (fileInput && fileInput.files.length) { return; }          // a photo goes with the normal form post
          ev.preventDefault();
          var fields = {};
          new FormData(form).forEach(function (v, k) { if (k !== '_csrf' && typeof v === 'string') { fields[k] = v; } });
          var item = { clientId: fields.clientId, report: form.getAttribute('data-report'), fields: fields };
          put(item).then(function () {
            form.reset();
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
          }, function (err) { document.getElementById('location-text').textContent = err.message; }, { enableHighAccuracy: true, timeout: 15000 });
        });
      }
      var button = document.getElementById('sync-now');
      if (button) { button.addEventListener('click', function () { syncAndShow(); }); }
      window.addEventListener('online', syncAndShow);
      render();
      setInterval(function () { if (navigator.onLine !== false) { syncAndShow(); } }, 15000);
    })();
    """#
}
