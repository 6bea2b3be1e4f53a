// Long work a form starts (a ledger import, a screening) shows its progress while the answer is awaited: the
// form names the work with a token (data-progress), the server reports under it at
// /progress/{token}, and this asks every second until the answer replaces the page.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('form[data-progress]').forEach(function (form) {
    form.addEventListener('submit', function () {
      var out = document.getElementById(form.dataset.progressOut);
      if (!out) return;
      var button = form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      out.hidden = false;
      out.textContent = '正在上传文件……';
      var url = '/progress/' + encodeURIComponent(form.dataset.progress);
      var ask = function () {
        fetch(url, { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (p) {
            if (p && p.text) out.textContent = p.text;
            if (!p || !p.finished) setTimeout(ask, 1000);
          })
          .catch(function () { setTimeout(ask, 1000); });
      };
      setTimeout(ask, 1000);
    });
  });
});
