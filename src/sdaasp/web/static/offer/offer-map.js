// Map of the service points by type. Leaflet is served by the platform; no tiles unless the
// administrator sets SDAASP_TILE_URL. Popups show name, address and opening hours. Points kept
// beyond the border are rings (white inside, the type's colour around), never colour alone:
// their popup says « hors département » too.
(function () {
  "use strict";
  var el = document.getElementById("carte-offre");
  if (!el || typeof L === "undefined") { return; }
  var colours = JSON.parse(el.dataset.colours || "{}");
  var status = document.getElementById("carte-etat");
  var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 }).setView([50.4, 3.2], 8);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "Fond de carte" }).addTo(map);
  }
  function esc(s) {
    return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          var colour = colours[f.properties.type] || "#888888";
          if (f.properties.hors_departement) {
            return L.circleMarker(latlng, {
              radius: 6, weight: 3, color: colour, fillColor: "#ffffff", fillOpacity: 1
            });
          }
          return L.circleMarker(latlng, {
            radius: 5, weight: 1, color: "#1b1f24", fillColor: colour, fillOpacity: 0.85
          });
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.bindPopup(
            "<strong>" + esc(p.nom) + "</strong><br>" + esc(p.type_libelle) +
            (p.itinerant ? " (itinérant)" : "") + "<br>" +
            "Adresse : " + esc(p.adresse || "non renseignée") + "<br>" +
            "Horaires : " + esc(p.horaires || "non renseignés") +
            (p.hors_departement ? "<br><strong>Hors département</strong>" +
              (p.commune ? " (commune " + esc(p.commune) + ")" : "") : "") +
            (p.approximatif ? "<br><em>Position approchée (point de la commune)</em>" : "")
          );
          l.bindTooltip(esc(p.nom));
        }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 12 }); }
      if (status) {
        var hors = data.features.filter(function (f) {
          return f.properties.hors_departement;
        }).length;
        status.textContent = data.features.length + " point(s) affiché(s)" +
          (hors ? ", dont " + hors + " hors département" : "") +
          (data.tronque ? " (liste tronquée : choisissez moins de types)" : "") + ".";
      }
      el.dataset.ready = "1";
    });
})();
