// Map of the communes coloured by SCoT territory. Leaflet is served by the platform itself;
// no tile layer unless the administrator sets one (closed networks).
(function () {
  "use strict";
  var el = document.getElementById("carte");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { preferCanvas: false, zoomSnap: 0.25 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "Fond de carte" }).addTo(map);
  }
  var nf = new Intl.NumberFormat("fr-FR");
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function (f) {
          return { color: "#333", weight: 0.5, fillColor: f.properties.couleur, fillOpacity: 0.7 };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var pop = p.population === null ? "non disponible" : nf.format(p.population) + " hab.";
          l.bindPopup(
            "<strong>" + escapeHtml(p.nom) + "</strong> (" + escapeHtml(p.code) + ")<br>" +
            "Population : " + pop + "<br>" +
            "EPCI : " + escapeHtml(p.epci || "—") + "<br>" +
            "Territoire SCoT : " + escapeHtml(p.scot || "—")
          );
          l.bindTooltip(escapeHtml(p.nom), { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      el.dataset.ready = "1";
    });
})();
