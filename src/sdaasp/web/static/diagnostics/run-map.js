// Choropleth of a diagnostic run: communes coloured by the Observatoire class of their mean
// access time. The class is also given in text (legend, popups, table beside the map).
(function () {
  "use strict";
  var el = document.getElementById("carte");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { zoomSnap: 0.25 });
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#333", weight: 0.4, fillColor: f.properties.couleur, fillOpacity: 0.85 };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var mean = p.moyenne_min === null ? "non disponible" : p.moyenne_min + " min";
          var share = p.part_plus_20 === null ? "non disponible" : p.part_plus_20 + " %";
          l.bindPopup("<strong>" + esc(p.nom) + "</strong> (" + esc(p.code) + ")<br>" +
            "Temps moyen : " + esc(mean) + " — classe : " + esc(p.classe) + "<br>" +
            "Habitants au-delà de 20 min : " + esc(share));
          l.bindTooltip(esc(p.nom) + " : " + esc(p.classe), { sticky: true });
        }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds()); }
      el.dataset.ready = "1";
    });
})();
