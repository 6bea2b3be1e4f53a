// Long work shows its progress while the answer is awaited: the work is named with a token, the
// server reports under it at /progress/{token}, and this asks every second until the answer
// replaces the page (or, for a download, until the work has ended).
// - A form (a ledger import, a screening) carries its token (data-progress) from the server.
// - A link (an export, a province's registry check) makes one when clicked (data-progress-out
//   names where to show it; data-progress-done what to say once a download is made).
(function () {
  function poll(token, out, done) {
    var url = '/progress/' + encodeURIComponent(token);
    var ask = function () {
      fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (p) {
          if (p && p.text) {
            out.textContent = p.finished && done ? done + '（用时' + p.seconds + '秒）' : p.text;
          }
          if (!p || !p.finished) setTimeout(ask, 1000);
        })
        .catch(function () { setTimeout(ask, 1000); });
    };
    setTimeout(ask, 1000);
  }

  function token() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ('0' + b.toString(16)).slice(-2);
    }).join('');
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form[data-progress]').forEach(function (form) {
      form.addEventListener('submit', function () {
        var out = document.getElementById(form.dataset.progressOut);
        if (!out) return;
        var button = form.querySelector('button[type=submit]');
        if (button) button.disabled = true;
        out.hidden = false;
        out.textContent = '正在上传文件……';
        poll(form.dataset.progress, out, null);
      });
    });
  });

  // A form that undoes or removes something asks first (data-confirm says what); the page's
  // policy runs no inline handler, so the question is asked from here. One listener for all.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    var ask = form && form.dataset && form.dataset.confirm;
    if (ask && !window.confirm(ask)) e.preventDefault();
  }, true);

  // A choice that shows another view at once (a year) submits its form when changed.
  document.addEventListener('change', function (e) {
    var field = e.target;
    if (field && field.hasAttribute && field.hasAttribute('data-autosubmit') && field.form) {
      field.form.submit();
    }
  });

  // Links come with pages htmx puts in place too: one listener for them all.
  document.addEventListener('click', function (e) {
    var link = e.target.closest && e.target.closest('a[data-progress-out]');
    if (!link || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    var out = document.getElementById(link.dataset.progressOut);
    if (!out || !window.crypto || !window.crypto.getRandomValues) return;
    e.preventDefault();
    var t = token();
    var href = link.getAttribute('href');
    out.hidden = false;
    out.textContent = '正在处理……';
    poll(t, out, link.dataset.progressDone || null);
    window.location.href = href + (href.indexOf('?') < 0 ? '?' : '&') + 'progress=' + t;
  });
})();
