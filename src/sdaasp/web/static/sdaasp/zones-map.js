// Zones map: SCoT, QPV, deficit territories and priority zones as toggleable layers.
// Leaflet is served by the platform; no tile layer unless the administrator sets one.
(function () {
  "use strict";
  var el = document.getElementById("carte");
  if (!el || typeof L === "undefined") { return; }
  var map = L.map(el, { zoomSnap: 0.25 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "Fond de carte" }).addTo(map);
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function unitPopup(f, l) {
    var p = f.properties;
    l.bindPopup("<strong>" + esc(p.nom) + "</strong> (" + esc(p.code) + ")<br>Accès : " +
      esc(p.acces) + "<br>Statut : " + esc(p.statut) + (p.partiel ? " (critères partiels)" : "") +
      (p.motifs ? "<br>Motifs : " + esc(p.motifs) : ""));
  }
  var specs = [
    ["scot", "Territoires SCoT", function (f) {
      return { color: f.properties.couleur, weight: 1.5, fillColor: f.properties.couleur, fillOpacity: 0.3 };
    }, function (f, l) { l.bindTooltip(esc(f.properties.nom), { sticky: true }); }],
    ["qpv", "Quartiers prioritaires (QPV)", function () {
      return { color: "#000", weight: 2, fillOpacity: 0 };
    }, function (f, l) { l.bindPopup("QPV " + esc(f.properties.nom) + " (" + esc(f.properties.code) + ")"); }],
    ["deficitaires", "Territoires déficitaires", function () {
      return { color: "#B35806", weight: 2, dashArray: "4 3", fillColor: "#B35806", fillOpacity: 0.15 };
    }, unitPopup],
    ["prioritaires", "Zones prioritaires du SDAASP", function () {
      return { color: "#000", weight: 1.5, fillColor: "#D7301F", fillOpacity: 0.75 };
    }, unitPopup]
  ];
  var control = L.control.layers(null, {}, { collapsed: false }).addTo(map);
  var loaded = 0, bounds = null;
  specs.forEach(function (s, i) {
    map.createPane("couche-" + s[0]).style.zIndex = String(401 + i);
    fetch(el.dataset[s[0]], { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, { style: s[2], onEachFeature: s[3], pane: "couche-" + s[0] }).addTo(map);
        control.addOverlay(layer, s[1] + " (" + data.features.length + ")");
        if (data.features.length) {
          bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
        }
        loaded += 1;
        if (loaded === specs.length) {
          if (bounds) { map.fitBounds(bounds); } else { map.setView([50.5, 3.2], 8); }
          el.dataset.ready = "1";
        }
      });
  });
})();
