/* jifen — the monthly entry screen, a little faster with JavaScript (it
   works without): the household field selects its text on focus so typing
   replaces the kept household, shows the head's name of a typed code, and
   Enter in it moves on to the item instead of submitting. */
(function () {
  var input = document.getElementById('household');
  var list = document.getElementById('households');
  var shown = document.getElementById('household-name');
  var item = document.getElementById('item');
  if (!input || !list) return;
  var names = {};
  for (var i = 0; i < list.options.length; i++) {
    var o = list.options[i];
    names[o.value] = o.textContent;
  }
  function show() {
    if (!shown) return;
    var v = input.value.trim();
    shown.textContent = names[v] ? names[v] : (v ? '（不在参与户名单中，也可直接输入户主姓名）' : '');
  }
  input.addEventListener('focus', function () { input.select(); });
  input.addEventListener('input', show);
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && item) {
      e.preventDefault();
      item.focus();
    }
  });
  show();
  if (document.activeElement === input) input.select();
})();
