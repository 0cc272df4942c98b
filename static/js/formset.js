// "Add a row" for Django formsets: clones the empty form kept in a <template>.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset]").forEach(function (box) {
    var prefix = box.dataset.formset;
    var total = box.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var max = box.querySelector("#id_" + prefix + "-MAX_NUM_FORMS");
    var body = box.querySelector("[data-formset-body]");
    var template = box.querySelector("template[data-formset-template]");
    var button = box.querySelector("[data-formset-add]");
    if (!total || !body || !template || !button) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild && body.lastElementChild.querySelector("input, textarea, select");
      if (first) first.focus();
    });
  });
})();
