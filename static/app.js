/* jifen — a little progressive enhancement; every page works without it.
   Forms marked data-confirm ask before submitting (leaving a household,
   approving a sheet). */
document.addEventListener('submit', function (e) {
  var msg = e.target.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) e.preventDefault();
});
