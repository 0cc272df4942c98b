// Annex 2 form: offer only the supervisors of the chosen base, and the base's address.
(function () {
  "use strict";
  var base = document.getElementById("id_base");
  var supervisor = document.getElementById("id_base_supervisor");
  var address = document.getElementById("id_base_address");
  if (!base || !supervisor) return;
  function filter(reset) {
    var chosen = base.value;
    Array.prototype.forEach.call(supervisor.options, function (option) {
      if (!option.value || (!reset && option.selected)) return;
      var other = chosen && option.dataset.base !== chosen;
      option.hidden = other;
      option.disabled = other;
    });
    var selected = supervisor.options[supervisor.selectedIndex];
    if (reset && selected && selected.disabled) supervisor.value = "";
  }
  function offerAddress() {
    var option = base.options[base.selectedIndex];
    if (address && !address.value.trim() && option && option.dataset.address) {
      address.value = option.dataset.address;
    }
  }
  base.addEventListener("change", function () {
    filter(true);
    offerAddress();
  });
  filter(false);
})();
