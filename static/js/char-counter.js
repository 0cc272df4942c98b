// Live character counters for every length rule (data-min-chars / data-max-chars).
// Counts as the server does (xcu_bases/text.py): characters, whitespace not counted.
(function () {
  "use strict";
  function count(text) {
    return Array.from(text.replace(/[\s\u200b-\u200d\u2060\ufeff]+/g, "")).length;
  }
  function attach(field) {
    var min = parseInt(field.dataset.minChars || "0", 10);
    var max = parseInt(field.dataset.maxChars || "0", 10);
    var out = document.createElement("div");
    out.className = "form-text char-counter";
    out.setAttribute("aria-live", "polite");
    out.id = field.id + "_counter";
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + out.id).trim());
    field.insertAdjacentElement("afterend", out);
    function update() {
      var n = count(field.value);
      var rule = min ? "不少于 " + min + " 字" : "不超过 " + max + " 字";
      var bad = (min && n < min) || (max && n > max);
      out.textContent = "已输入 " + n + " 字（" + rule + "，不计空格和换行）" + (bad ? (min ? "，还差 " + (min - n) + " 字" : "，超出 " + (n - max) + " 字") : " ✓");
      out.classList.toggle("text-danger", !!bad);
      out.classList.toggle("text-success", !bad);
    }
    field.addEventListener("input", update);
    update();
  }
  document.querySelectorAll("textarea[data-min-chars], textarea[data-max-chars]").forEach(attach);
})();
