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

  // A form typed where the signal comes and goes (a visit, the day's work log) is kept in the
  // browser as it is typed (data-draft names it) and put back when its page opens again —
  // after a lost connection, a failed send or an answer that refused it — until the page that
  // says it was saved (an element with data-draft-saved naming it) lets it go. What a field
  // held when the page came is not kept, nor files. Logging out forgets every draft.
  var DRAFT = 'zx-draft:';
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (e) {
      return e.name && e.name !== 'csrf' && !/^(file|hidden|submit|button|reset)$/.test(e.type);
    });
  }
  function saveDraft(form) {
    var values = {}, checks = {}, any = false;
    draftFields(form).forEach(function (e) {
      if (e.type === 'radio' || e.type === 'checkbox') {
        if (e.checked !== e.defaultChecked) { checks[e.name + '=' + e.value] = e.checked; any = true; }
      } else if (e.value !== e.defaultValue) {
        values[e.name] = e.value; any = true;
      }
    });
    try {
      var key = DRAFT + form.dataset.draft;
      if (any) localStorage.setItem(key, JSON.stringify({ at: Date.now(), values: values, checks: checks }));
      else localStorage.removeItem(key);
    } catch (err) { /* storage full or refused: the form still works */ }
  }
  function restoreDraft(form) {
    var key = DRAFT + form.dataset.draft, draft;
    if (document.querySelector('[data-draft-saved="' + form.dataset.draft + '"]')) {
      try { localStorage.removeItem(key); } catch (err) { /* nothing kept */ }
      return;
    }
    try { draft = JSON.parse(localStorage.getItem(key) || 'null'); } catch (err) { draft = null; }
    if (!draft) return;
    draftFields(form).forEach(function (e) {
      if (e.type === 'radio' || e.type === 'checkbox') {
        var c = draft.checks[e.name + '=' + e.value];
        if (c !== undefined) e.checked = c;
      } else if (Object.prototype.hasOwnProperty.call(draft.values, e.name)) {
        e.value = draft.values[e.name];
      }
    });
    var note = document.createElement('p');
    note.className = 'alert warn';
    note.id = form.id ? form.id + '-draft' : '';
    var when = new Date(draft.at);
    note.textContent = '已恢复' + (when.getMonth() + 1) + '月' + when.getDate() + '日 ' +
      ('0' + when.getHours()).slice(-2) + ':' + ('0' + when.getMinutes()).slice(-2) +
      '填写但没有保存成功的内容（照片须重新选择），请核对后提交。';
    var clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'link';
    clear.textContent = '不要了，清除';
    clear.addEventListener('click', function () {
      try { localStorage.removeItem(key); } catch (err) { /* nothing kept */ }
      form.reset();
      note.remove();
    });
    note.appendChild(clear);
    form.parentNode.insertBefore(note, form);
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form[data-draft]').forEach(function (form) {
      restoreDraft(form);
      form.addEventListener('input', function () { saveDraft(form); });
      form.addEventListener('change', function () { saveDraft(form); });
    });
    var logout = document.getElementById('logout');
    if (logout && logout.form) {
      logout.form.addEventListener('submit', function () {
        try {
          Object.keys(localStorage).forEach(function (k) {
            if (k.indexOf(DRAFT) === 0) localStorage.removeItem(k);
          });
        } catch (err) { /* nothing kept */ }
      });
    }
  });

  // A button that prints the page (a poster).
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-print]');
    if (b) { e.preventDefault(); window.print(); }
  });

  // A choice that shows another view at once (a year) submits its form when changed.
  document.addEventListener('change', function (e) {
    var field = e.target;
    if (field && field.hasAttribute && field.hasAttribute('data-autosubmit') && field.form) {
      field.form.submit();
    }
  });

  // A photo taken on a phone (often 3–8 MB, 4000 px wide) is made smaller here before it is
  // sent, so that it fits the server's limit (data-shrink-to, in bytes): drawn again at most
  // data-shrink-side pixels on its longer side as a JPEG, its quality lowered until it fits.
  // Small files are sent as they are; where the browser cannot do it, the server says which
  // photo is too large.
  function shrink(file, limit, side) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve, reject) {
        var attempt = function (quality) {
          canvas.toBlob(function (blob) {
            if (!blob) return reject(new Error('toBlob'));
            if (blob.size > limit && quality > 0.35) return attempt(quality - 0.15);
            var name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
            resolve(new File([blob], name, { type: 'image/jpeg' }));
          }, 'image/jpeg', quality);
        };
        attempt(0.85);
      });
    });
  }

  document.addEventListener('change', function (e) {
    var input = e.target;
    if (!input || !input.matches || !input.matches('input[type=file][data-shrink-to]')) return;
    var limit = Number(input.dataset.shrinkTo);
    var side = Number(input.dataset.shrinkSide || 2048);
    var files = Array.prototype.slice.call(input.files || []);
    var big = files.filter(function (f) { return f.size > limit; });
    if (!big.length || !window.createImageBitmap || !window.DataTransfer) return;
    var out = document.getElementById(input.dataset.shrinkOut);
    var button = input.form && input.form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    if (out) { out.hidden = false; out.textContent = '正在压缩' + big.length + '张照片……'; }
    Promise.all(files.map(function (f) {
      return f.size > limit ? shrink(f, limit, side).catch(function () { return f; }) : f;
    })).then(function (done) {
      var list = new DataTransfer();
      done.forEach(function (f) { list.items.add(f); });
      input.files = list.files;
      var before = big.reduce(function (n, f) { return n + f.size; }, 0);
      var after = done.filter(function (f, i) { return files[i].size > limit; })
        .reduce(function (n, f) { return n + f.size; }, 0);
      var mb = function (n) { return (n / 1048576).toFixed(1) + 'MB'; };
      if (out) out.textContent = '已压缩' + big.length + '张照片：' + mb(before) + ' → ' + mb(after) + '。';
    }).finally(function () {
      if (button) button.disabled = false;
    });
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
