/* jifen — a little progressive enhancement; every page works without it.
   Forms marked data-confirm ask before submitting (leaving a household,
   approving a sheet). */
document.addEventListener('submit', function (e) {
  var msg = e.target.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) e.preventDefault();
});

/* 朗读: the buttons of html_read_aloud() read their section aloud with the
   browser's speech synthesis in Chinese; they stay hidden where there is
   none (or no script).  A second press stops. */
(function () {
  if (!('speechSynthesis' in window) || !window.SpeechSynthesisUtterance) return;
  document.querySelectorAll('button.speak').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      var s = window.speechSynthesis;
      if (s.speaking) { s.cancel(); b.textContent = '朗读'; return; }
      var el = document.getElementById(b.getAttribute('data-speak'));
      if (!el) return;
      var u = new SpeechSynthesisUtterance(el.innerText);
      u.lang = 'zh-CN'; u.rate = 0.85;
      u.onend = function () { b.textContent = '朗读'; };
      b.textContent = '停止朗读';
      s.speak(u);
    });
  });
})();

/* No time limit a slow reader cannot extend: two minutes before the idle
   timeout (body data-idle, seconds) a bar asks whether to continue; its
   button touches the session (GET /api/v1/session) and starts again. */
(function () {
  var idle = parseInt(document.body.getAttribute('data-idle') || '0', 10);
  if (!idle) return;
  var warnAt = Math.max(idle - 120, idle / 2) * 1000, timer;
  function arm() { clearTimeout(timer); timer = setTimeout(warn, warnAt); }
  function warn() {
    var bar = document.getElementById('idle-warn');
    if (!bar) {
      bar = document.createElement('div');
      bar.id = 'idle-warn'; bar.setAttribute('role', 'alertdialog');
      bar.setAttribute('aria-label', '登录即将过期');
      bar.innerHTML = '<p>长时间没有操作，登录即将过期。还要继续吗？已填写的内容不会丢失。</p>' +
        '<button type="button" class="primary">继续使用</button>';
      document.body.appendChild(bar);
      bar.querySelector('button').addEventListener('click', function () {
        fetch('/api/v1/session', { credentials: 'same-origin' }).then(function (res) {
          bar.hidden = true;
          if (res.ok) arm();
          else bar.querySelector('p').textContent = '登录已过期，请在新窗口重新登录后再提交。';
        });
      });
    }
    bar.hidden = false;
    bar.querySelector('button').focus();
  }
  arm();
})();
