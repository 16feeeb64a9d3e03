/* jifen — /verify: check a jifen-receipt/v1 (docs/transparency.md) in the
   browser, with no server call: the ledger and announcement checkpoints'
   Ed25519 signatures by the town's verifier key (C2SP signed-note key ID =
   first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key)) and the
   RFC 9162 inclusion proof of the household's line, with WebCrypto only. */
(function () {
  "use strict";
  var DASH = "\u2014 ";
  var enc = new TextEncoder();

  function b64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function b64enc(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  }
  function concat(parts) {
    var n = 0, i, o = 0;
    for (i = 0; i < parts.length; i++) n += parts[i].length;
    var out = new Uint8Array(n);
    for (i = 0; i < parts.length; i++) { out.set(parts[i], o); o += parts[i].length; }
    return out;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }
  function fail(why) { var e = new Error(why); e.receipt = true; return e; }

  /* "name+hex keyid+base64(0x01 || key)" → {name, id, key} */
  async function parseKey(text) {
    /* the base64 part may hold '+' too: cut at the first two */
    var t = text.trim(), a = t.indexOf("+"), b = a < 0 ? -1 : t.indexOf("+", a + 1);
    if (a <= 0 || b < 0) throw fail("公钥格式不对（应为 名称+密钥编号+公钥）");
    var parts = [t.slice(0, a), t.slice(a + 1, b), t.slice(b + 1)];
    var raw = b64(parts[2]);
    if (raw.length !== 33 || raw[0] !== 1) throw fail("公钥不是 Ed25519 公钥");
    var id = (await sha256(concat([enc.encode(parts[0]), new Uint8Array([10]), raw]))).slice(0, 4);
    var hex = Array.prototype.map.call(id, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    if (hex !== parts[1]) throw fail("公钥的密钥编号与公钥不符");
    var key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    return { name: parts[0], id: id, key: key };
  }

  /* The text of a signed note with a good signature of k, else throws. */
  async function openNote(note, k, what) {
    var at = note.lastIndexOf("\n\n");
    if (at < 0) throw fail(what + "格式不对");
    var text = note.slice(0, at + 1), sigs = note.slice(at + 2).split("\n"), good = false;
    for (var i = 0; i < sigs.length; i++) {
      var line = sigs[i];
      if (!line) continue;
      if (line.indexOf(DASH) !== 0) throw fail(what + "的签名行格式不对");
      var sp = line.indexOf(" ", DASH.length), name = line.slice(DASH.length, sp);
      var blob = b64(line.slice(sp + 1));
      if (name !== k.name || !equal(blob.slice(0, 4), k.id)) continue;
      if (!(await crypto.subtle.verify({ name: "Ed25519" }, k.key, blob.slice(4), enc.encode(text))))
        throw fail(what + "的签名不是这把公钥签的，或内容被改过");
      good = true;
    }
    if (!good) throw fail(what + "没有这把公钥的签名");
    var l = text.split("\n");
    return { origin: l[0], size: parseInt(l[1], 10), root: b64(l[2]), rootText: l[2] };
  }

  async function node(l, r) { return sha256(concat([new Uint8Array([1]), l, r])); }

  /* RFC 9162 §2.1.3.2 */
  async function inclusion(index, size, leaf, proof, root) {
    if (index >= size) return false;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < proof.length; i++) {
      if (sn === 0) return false;
      if (fn & 1 || fn === sn) {
        r = await node(proof[i], r);
        if (!(fn & 1)) while (fn && !(fn & 1)) { fn >>= 1; sn >>= 1; }
      } else {
        r = await node(r, proof[i]);
      }
      fn >>= 1; sn >>= 1;
    }
    return sn === 0 && equal(r, root);
  }

  /* Check receipt text with key text; resolves to the household's fields. */
  async function verifyReceipt(text, keyText) {
    var k = await parseKey(keyText);
    text = text.replace(/\r\n/g, "\n");
    var cut = text.indexOf("\n\n");
    if (cut < 0) throw fail("回执格式不对");
    var head = text.slice(0, cut).split("\n"), notes = text.slice(cut + 2).split("\n");
    if (head[0] !== "jifen-receipt/v1") throw fail("不是积分公示回执（第一行应为 jifen-receipt/v1）");
    var keys = ["line", "quarter", "date", "objection_until", "index"], f = {};
    for (var i = 0; i < keys.length; i++) {
      var ln = head[i + 1] || "";
      if (ln.indexOf(keys[i] + " ") !== 0) throw fail("回执缺少 " + keys[i] + " 行");
      f[keys[i]] = ln.slice(keys[i].length + 1);
    }
    var proof = head.slice(6).map(b64);
    var j = notes.indexOf("") + 1;
    if (j <= 0) throw fail("回执格式不对");
    while (j < notes.length && notes[j].indexOf(DASH) === 0) j++;
    var annNote = notes.slice(0, j).join("\n") + "\n", ledgerNote = notes.slice(j).join("\n");
    var led = await openNote(ledgerNote, k, "台账检查点");
    var ann = await openNote(annNote, k, "公示检查点");
    if (led.origin.indexOf(k.name + "/") !== 0 || ann.origin !== led.origin + "/" + f.quarter)
      throw fail("检查点的来源与公钥或季度不符");
    var data = "jifen-announcement/v1\norigin " + led.origin + "\nquarter " + f.quarter +
      "\ndate " + f.date + "\nobjection_until " + f.objection_until + "\nledger " + led.size +
      " " + b64enc(led.root) + "\nline " + f.line + "\n";
    var leaf = await sha256(concat([new Uint8Array([0]), enc.encode(data)]));
    if (!(await inclusion(parseInt(f.index, 10), ann.size, leaf, proof, ann.root)))
      throw fail("这一行不在签名的公示中（内容被改过）");
    return { line: f.line, quarter: f.quarter, date: f.date, until: f.objection_until, origin: led.origin };
  }

  function show(ok, msg) {
    var out = document.getElementById("verify-result");
    out.className = ok ? "notice" : "error";
    out.textContent = msg;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("verify-form");
    if (!form) return;
    var file = document.getElementById("verify-file");
    if (file) file.addEventListener("change", function () {
      var fl = file.files && file.files[0];
      if (!fl) return;
      if (/^text\//.test(fl.type) || /\.txt$/.test(fl.name)) {
        fl.text().then(function (t) { document.getElementById("verify-receipt").value = t; });
      } else if (window.BarcodeDetector) {
        createImageBitmap(fl).then(function (img) {
          return new window.BarcodeDetector({ formats: ["qr_code"] }).detect(img);
        }).then(function (codes) {
          if (codes.length) document.getElementById("verify-receipt").value = codes[0].rawValue;
          else show(false, "照片里没有找到二维码，请把回执文字粘贴到上面。");
        });
      } else {
        show(false, "这个浏览器不能识别照片里的二维码，请把回执文字粘贴到上面。");
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = document.getElementById("verify-receipt").value;
      var key = document.getElementById("verify-key").value;
      verifyReceipt(text, key).then(function (r) {
        show(true, "验证通过：" + r.quarter + " 公示（" + r.date + " 至 " + r.until + "）中有这一行：" +
          r.line + "，由 " + r.origin + " 签名。");
      }, function (e) {
        show(false, "验证失败：" + (e.receipt ? e.message : "回执格式不对（" + e.message + "）"));
      });
    });
  });
})();
