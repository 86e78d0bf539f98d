/// `/static/ui.js`: small enhancements for every page, each optional (every page works without them):
/// the region picker's lists and type-to-search, print buttons (the content security policy allows no
/// inline handlers), a question before a button that cannot be undone, menus that close when another opens, a confirmation moved to where the page was sent back to,
/// and a question before a form is sent while another form on the page holds unsaved changes.
enum UIScript {
    static let js = #"""
    (function () {
      'use strict';
      function $(sel, root) { return (root || document).querySelector(sel); }
      function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

      // Print buttons.
      $all('[data-print]').forEach(function (b) { b.addEventListener('click', function () { window.print(); }); });

      // A field sent back with a mistake: once it is changed, its message goes (it spoke of the value before), so that a
      // form stopped again before it is sent (a half-typed date) shows only what is still wrong.
      function settled(ev) {
        var el = ev.target;
        if (!el || !el.getAttribute || el.getAttribute('aria-invalid') !== 'true') { return; }
        el.removeAttribute('aria-invalid');
        (el.getAttribute('aria-describedby') || '').split(' ').forEach(function (id) {
          var p = id && /-error$/.test(id) ? document.getElementById(id) : null;
          if (p && p.classList.contains('field-error')) { p.parentNode.removeChild(p); }
        });
      }
      document.addEventListener('input', settled, true);
      document.addEventListener('change', settled, true);

      // A button that cannot be undone (deleting an entry) asks first, in the page's language.
      $all('button[data-confirm]').forEach(function (b) {
        b.addEventListener('click', function (ev) { if (!window.confirm(b.getAttribute('data-confirm'))) { ev.preventDefault(); } });
      });

      // After a failure the first wrong field has the focus; the browser scrolls it just into view, often at the very
      // bottom of a phone's screen with its message below: bring it to the middle.
      var mistake = $('[aria-invalid=true][autofocus]');
      if (mistake && mistake.scrollIntoView) { mistake.scrollIntoView({ block: 'center' }); }

      // Sent back to a place on the page (the review card after the one decided), the confirmation stands there, where
      // the eye is, not at the top of a long page.
      var flash = document.getElementById('flash');
      var place = location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null;
      if (place && place.tagName === 'TR' && place.cells.length) { place = place.cells[0]; }   // a table row: inside its first cell
      if (flash && place) { place.insertBefore(flash, place.firstChild); }
      // A review card reached by a link ("see line 6", or after a decision) has the keyboard's focus too: Tab goes on
      // to its buttons, and a screen reader reads it, rather than starting again from the top of the page.
      function focusCard(card) {
        if (card && card.classList && (card.classList.contains('review-item') || card.hasAttribute('data-focus')) && card.focus) {
          card.setAttribute('tabindex', '-1');
          card.focus({ preventScroll: true });
        }
      }
      if (!$('[autofocus]')) { focusCard(place); }
      // The same on a link within the page ("see line 6" on the page that shows it).
      window.addEventListener('hashchange', function () {
        focusCard(location.hash.length > 1 ? document.getElementById(location.hash.slice(1)) : null);
      });
      // A page reloaded at a row (the field app after saving) is not scrolled to it by the browser, which restores the
      // old position instead.
      var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
      if (place && place.scrollIntoView && nav && nav.type === 'reload') { place.scrollIntoView({ block: 'center' }); }

      // One open menu at a time.
      $all('details.menu').forEach(function (d) {
        d.addEventListener('toggle', function () {
          if (d.open) { $all('details.menu').forEach(function (o) { if (o !== d) { o.open = false; } }); }
        });
      });
      document.addEventListener('click', function (ev) {
        $all('details.menu[open]').forEach(function (d) { if (!d.contains(ev.target)) { d.open = false; } });
      });

      // A date or time the browser cannot read (typed halfway, or a day the calendar has not) is sent empty, and the page
      // would then ask for the date without saying that what was typed is lost: such a field is said at once, beside it,
      // and the form is not sent. Registered first, so that nothing else acts on a form that is not sent.
      var badDate = document.body.getAttribute('data-msg-bad-date');
      var badDateTime = document.body.getAttribute('data-msg-bad-datetime') || badDate;
      document.addEventListener('submit', function (ev) {
        var f = ev.target;
        if (!badDate || !f || !f.querySelectorAll) { return; }
        var bad = $all('input[type=date], input[type=month], input[type=time], input[type=datetime-local]', f)
          .filter(function (i) { return i.validity && i.validity.badInput; });
        if (bad.length === 0) { return; }
        ev.preventDefault(); ev.stopImmediatePropagation();
        bad.forEach(function (i) {
          var id = (i.id || i.name) + '-error', p = document.getElementById(id);
          if (!p) { p = document.createElement('p'); p.className = 'field-error'; p.id = id; i.parentNode.appendChild(p); }
          p.textContent = i.type === 'datetime-local' ? badDateTime : badDate;
          i.setAttribute('aria-invalid', 'true');
          var described = (i.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
          if (described.indexOf(id) < 0) { described.push(id); i.setAttribute('aria-describedby', described.join(' ')); }
          if (i.parentNode.classList) { i.parentNode.classList.add('has-error'); }
        });
        bad[0].focus();
        if (bad[0].scrollIntoView) { bad[0].scrollIntoView({ block: 'center' }); }
      }, true);

      // A page with several forms (an office's details and its regions; a meeting's minutes and its discussion) sends
      // one at a time, and what was typed in the others is lost: sending one while another holds changes the user made
      // asks first. Only the user's own typing counts (this script fills lists itself); filters (GET) do not.
      var unsaved = document.body.getAttribute('data-msg-unsaved');
      function markChanged(ev) {
        var f = ev.target && ev.target.form;
        if (ev.isTrusted && f && (f.getAttribute('method') || 'get').toLowerCase() === 'post') { f.setAttribute('data-changed', ''); }
      }
      document.addEventListener('input', markChanged, true);
      document.addEventListener('change', markChanged, true);
      document.addEventListener('submit', function (ev) {
        var others = $all('form[data-changed]').filter(function (f) { return f !== ev.target; });
        if (!unsaved || others.length === 0) { return; }
        if (window.confirm(unsaved)) { others.forEach(function (f) { f.removeAttribute('data-changed'); }); return; }
        ev.preventDefault(); ev.stopImmediatePropagation();
        others[0].scrollIntoView({ block: 'center' });
      }, true);

      // Forms whose details depend on a kind chosen above them (a sponsor's report: an address for a move, the new
      // employer for a change of employer): only the chosen kind's fields are shown; with none chosen, or without
      // this script, all of them.
      $all('form').forEach(function (f) {
        var kind = f.querySelector('select[name=type]'), blocks = $all('.for-type', f);
        if (!kind || blocks.length === 0) { return; }
        function show() {
          blocks.forEach(function (b) {
            b.hidden = kind.value !== '' && (b.getAttribute('data-types') || '').split(' ').indexOf(kind.value) < 0;
          });
        }
        kind.addEventListener('change', show);
        show();
      });

      // Region picker.
      var LEVELS = ['province', 'regency', 'district', 'village'];
      function fetchRegions(params) {
        var q = Object.keys(params).map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]); }).join('&');
        return fetch('/api/v1/regions?' + q, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
          .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
      }
      $all('fieldset.region-picker').forEach(function (box) {
        var depth = box.getAttribute('data-depth');
        var within = (box.getAttribute('data-within') || '').split(',').filter(Boolean);
        var levels = LEVELS.slice(0, LEVELS.indexOf(depth) + 1);
        var selects = levels.map(function (l) { return $('select[data-level=' + l + ']', box); });
        // The lists fill themselves now: the step button goes, so that Enter sends the form it belongs to.
        var next = $('.region-next', box); if (next) { next.parentNode.removeChild(next); }
        var chosen = $('.region-chosen', box); if (chosen) { chosen.hidden = true; }
        function allowed(code) {
          return within.length === 0 || within.some(function (w) { return code === w || code.indexOf(w + '.') === 0 || w.indexOf(code + '.') === 0; });
        }
        function fill(k, items, selected) {
          var s = selects[k];
          s.innerHTML = '';
          var first = document.createElement('option'); first.value = ''; first.textContent = box.getAttribute('data-msg-choose');
          s.appendChild(first);
          items.filter(function (r) { return allowed(r.code); }).forEach(function (r) {
            var o = document.createElement('option'); o.value = r.code; o.textContent = r.name;
            if (r.code === selected) { o.selected = true; }
            s.appendChild(o);
          });
          s.disabled = s.options.length <= 1;
        }
        function clearFrom(k) {
          for (var j = k; j < selects.length; j++) { selects[j].innerHTML = ''; var o = document.createElement('option'); o.value = ''; o.textContent = '—'; selects[j].appendChild(o); selects[j].disabled = true; }
        }
        function load(k, parent, selected) {
          return fetchRegions({ parent: parent, per: 200 }).then(function (page) {
            page.items.sort(function (a, b) { return a.name.localeCompare(b.name); });
            fill(k, page.items, selected);
          });
        }
        selects.forEach(function (s, k) {
          s.addEventListener('change', function () {
            if (k + 1 >= selects.length) { return; }
            clearFrom(k + 1);
            if (s.value) { load(k + 1, s.value).catch(function () {}); }
          });
        });
        // Type-to-search: a combobox over /api/v1/regions.
        var search = $('.region-search', box);
        var input = $('input[role=combobox]', box), list = $('.region-results', box), status = $('.region-status', box);
        if (!search || !input || !window.fetch) { return; }
        search.hidden = false;
        var timer = null, results = [], active = -1;
        function close() { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; }
        function highlight(i) {
          $all('li', list).forEach(function (li, j) { li.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
          active = i;
          if (i >= 0) { input.setAttribute('aria-activedescendant', list.children[i].id); list.children[i].scrollIntoView({ block: 'nearest' }); }
        }
        function choose(r) {
          close();
          if (more) { more.hidden = true; }
          input.value = r.name;
          var parts = r.code.split('.');
          var codes = parts.map(function (_, j) { return parts.slice(0, j + 1).join('.'); });
          selects[0].value = codes[0];
          var chain = Promise.resolve();
          codes.slice(1).forEach(function (code, j) {
            chain = chain.then(function () { return load(j + 1, codes[j], code); });
          });
          chain.then(function () {
            for (var j = codes.length; j < selects.length; j++) { clearFrom(j); }
            if (codes.length < selects.length) { load(codes.length, codes[codes.length - 1]).catch(function () {}); }
            status.textContent = r.name + ' — ' + r.path;
          }).catch(function () { status.textContent = box.getAttribute('data-msg-failed'); });
        }
        var more = $('.region-more', box);
        function show(items, total) {
          results = items; list.innerHTML = '';
          // More regions bear the name than are shown: say so above the list, with how to narrow it down.
          if (more) {
            more.hidden = !(total > items.length);
            more.textContent = more.hidden ? '' : box.getAttribute('data-msg-more').replace('{1}', String(items.length)).replace('{2}', String(total));
          }
          items.forEach(function (r, i) {
            var li = document.createElement('li');
            li.id = box.id + '-opt-' + i; li.setAttribute('role', 'option'); li.setAttribute('aria-selected', 'false');
            var name = document.createElement('span'); name.className = 'name'; name.textContent = r.name;
            var path = document.createElement('span'); path.className = 'path'; path.textContent = r.path;
            var code = document.createElement('span'); code.className = 'code'; code.textContent = r.code;
            li.appendChild(name); li.appendChild(path); li.appendChild(code);
            li.addEventListener('mousedown', function (ev) { ev.preventDefault(); choose(r); });
            list.appendChild(li);
          });
          list.hidden = items.length === 0;
          input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
          status.textContent = items.length ? box.getAttribute('data-msg-count').replace('{1}', String(items.length)) : box.getAttribute('data-msg-none');
        }
        input.addEventListener('input', function () {
          clearTimeout(timer);
          var q = input.value.trim();
          if (q.length < 3) { close(); status.textContent = ''; if (more) { more.hidden = true; } return; }
          timer = setTimeout(function () {
            var params = { q: q, level: depth, per: 10 };
            if (within.length) { params.within = within.join(','); }
            fetchRegions(params).then(function (page) { if (input.value.trim() === q) { show(page.items, page.total); } })
              .catch(function () { status.textContent = box.getAttribute('data-msg-failed'); });
          }, 250);
        });
        input.addEventListener('keydown', function (ev) {
          if (list.hidden && ev.key !== 'Escape') { return; }
          if (ev.key === 'ArrowDown') { ev.preventDefault(); highlight(Math.min(results.length - 1, active + 1)); }
          else if (ev.key === 'ArrowUp') { ev.preventDefault(); highlight(Math.max(0, active - 1)); }
          else if (ev.key === 'Enter') { if (active >= 0) { ev.preventDefault(); choose(results[active]); } }
          else if (ev.key === 'Escape') { close(); }
        });
        input.addEventListener('blur', function () { setTimeout(close, 150); });
      });

      // Search pickers (SearchPicker: a sponsor, a company, a sponsored person): the search posts the picker's own fields
      // (and the form's CSRF token) to the form's action as its step, and fills the list in place from the page that
      // comes back: nothing typed goes into a URL, and the page stays where it is. The button stops being
      // a submit button: Enter in another field then sends the form, and Enter in the search box searches.
      $all('.picker-search').forEach(function (box) {
        var button = $('button', box), input = $('input', box), hint = $('.hint', box);
        var name = button && button.value, select = name && document.getElementById(name.replace(/\./g, '-'));
        var form = box.closest('form'), token = form && form.querySelector('input[name=_csrf]');
        if (!select || !input || !form || !token || !window.fetch || !window.DOMParser || !window.URLSearchParams) { return; }
        button.type = 'button'; button.removeAttribute('name');
        function search() {
          var body = new URLSearchParams();
          body.set('_picker', name); body.set(input.name, input.value); body.set(name, select.value); body.set('_csrf', token.value);
          button.disabled = true;
          fetch(form.getAttribute('action'), { method: 'POST', credentials: 'same-origin', body: body,
                                               headers: { Accept: 'text/html', 'Content-Type': 'application/x-www-form-urlencoded' } })
            .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
            .then(function (html) {
              var doc = new DOMParser().parseFromString(html, 'text/html');
              var list = doc.getElementById(select.id), said = hint && doc.getElementById(hint.id);
              if (!list) { throw new Error('no list'); }
              select.innerHTML = list.innerHTML;
              if (hint) { hint.textContent = said ? said.textContent : ''; }
              select.focus();
            })
            .catch(function () { if (hint) { hint.textContent = box.getAttribute('data-msg-failed'); } })
            .then(function () { button.disabled = false; });
        }
        button.addEventListener('click', search);
        input.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { ev.preventDefault(); search(); } });
      });
    })();
    """#
}
