// Map explorer: base layers (one at a time), overlays from the layer registry, commune cards.
// Leaflet is served by the platform; no tiles unless the administrator sets SDAASP_TILE_URL.
// Every layer shown on the map has a table below it with the same data (RGAA).
(function () {
  "use strict";
  var el = document.getElementById("carte");
  var configEl = document.getElementById("couches-config");
  if (!el || !configEl || typeof L === "undefined") { return; }
  var layers = JSON.parse(configEl.textContent);
  var byId = {};
  layers.forEach(function (l) { byId[l.id] = l; });
  var map = L.map(el, { zoomSnap: 0.25 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "Fond de carte" }).addTo(map);
  }
  var nf = new Intl.NumberFormat("fr-FR");
  var loaded = {};
  var currentBase = null;
  var statusEl = document.getElementById("carte-statut");
  function status(text) { if (statusEl) { statusEl.textContent = text; } }
  function failed(layer) {
    return function () {
      delete loaded[layer.id];
      status("La couche « " + layer.label + " » n'a pas pu être chargée. Ses données restent " +
             "consultables dans les tableaux sous la carte si elles y figurent.");
    };
  }
  var selected = null;
  // a data-* key for a layer id ("offre-points" → "coucheOffrePoints"; a "-x" would throw)
  function dataKey(prefix, id) {
    var camel = id.replace(/-([a-z0-9])/g, function (m, c) { return c.toUpperCase(); });
    return prefix + camel.charAt(0).toUpperCase() + camel.slice(1);
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmt(v) {
    if (v === null || v === undefined || v === "") { return "non disponible"; }
    return typeof v === "number" ? nf.format(v) : String(v);
  }
  function popupHtml(layer, p) {
    var rows = layer.columns.map(function (c) {
      return escapeHtml(c[1]) + " : " + escapeHtml(fmt(p[c[0]]));
    });
    return rows.join("<br>");
  }

  // points: a disc of the layer's colour; a destination beyond the border: a ring
  function pointStyle(layer, f) {
    if (f.properties.hors_departement) {
      return { radius: 6, color: layer.colour, weight: 3, fillColor: "#ffffff", fillOpacity: 1 };
    }
    return { radius: 4, color: "#ffffff", weight: 1, fillColor: layer.colour, fillOpacity: 1 };
  }

  function build(layer, data) {
    var isBase = layer.kind === "base";
    return L.geoJSON(data, {
      style: function (f) {
        if (f.geometry && f.geometry.type === "Point") { return pointStyle(layer, f); }
        return {
          color: isBase ? "#333333" : layer.colour,
          weight: isBase ? (layer.id === "communes" ? 0.5 : 1.5) : 2,
          fillColor: f.properties.couleur || layer.colour,
          fillOpacity: isBase ? 0.7 : layer.fill_opacity
        };
      },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, pointStyle(layer, f));
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        l.bindTooltip(escapeHtml(p.nom || p.code || ""), { sticky: true });
        l.on("add", function () {
          var node = l.getElement && l.getElement();
          if (node && p.code) { node.setAttribute("data-code", p.code); }
        });
        if (layer.id === "communes") {
          l.on("click", function () { showCard(p.code, false); });
        } else {
          l.bindPopup(popupHtml(layer, p));
        }
      }
    });
  }

  function load(layer) {
    if (!loaded[layer.id]) {
      loaded[layer.id] = fetch(layer.url, { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) { throw new Error("HTTP " + r.status); }
          return r.json();
        })
        .then(function (data) { return { data: data, leaflet: build(layer, data) }; });
    }
    return loaded[layer.id];
  }

  function toggleBlocks(selector, id, show) {
    document.querySelectorAll(selector + '[data-layer="' + id + '"]').forEach(function (b) {
      b.hidden = !show;
    });
  }

  function showBase(id) {
    var layer = byId[id];
    if (!layer) { return Promise.resolve(); }
    layers.forEach(function (l) {
      if (l.kind === "base") {
        toggleBlocks(".table-block", l.id, l.id === id);
        toggleBlocks(".legend-block", l.id, l.id === id);
      }
    });
    return load(layer).then(function (res) {
      if (currentBase && currentBase !== res.leaflet) { map.removeLayer(currentBase); }
      currentBase = res.leaflet;
      res.leaflet.addTo(map);
      res.leaflet.bringToBack();
      el.dataset.base = id;
      status("Découpage affiché : " + layer.label + ".");
      return res;
    }, failed(layer));
  }

  function overlayTable(layer, data) {
    var wrap = document.createElement("div");
    wrap.className = "table-block";
    wrap.dataset.layer = layer.id;
    var scroll = document.createElement("div");
    scroll.className = "table-scroll";
    scroll.tabIndex = 0;
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-label", "Tableau : " + layer.label + ", défilant");
    var table = document.createElement("table");
    table.className = "data";
    var caption = table.createCaption();
    caption.textContent = layer.label + (layer.filterLabel ? " : " + layer.filterLabel : "") +
      " (" + nf.format(data.features.length) + ")" +
      (layer.source ? " — source : " + layer.source : "");
    var head = table.createTHead().insertRow();
    layer.columns.forEach(function (c) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = c[1];
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.features.forEach(function (f) {
      var row = body.insertRow();
      layer.columns.forEach(function (c) {
        var v = f.properties[c[0]];
        var td = row.insertCell();
        td.textContent = fmt(v);
        if (typeof v === "number") { td.className = "num"; }
      });
    });
    scroll.appendChild(table);
    wrap.appendChild(scroll);
    return wrap;
  }

  function setOverlay(id, on) {
    var layer = byId[id];
    if (!layer) { return; }
    toggleBlocks(".legend-block", id, on);
    toggleBlocks(".table-block", id, on);
    if (!on) {
      if (loaded[id]) { loaded[id].then(function (res) { map.removeLayer(res.leaflet); }); }
      return;
    }
    var pending = load(layer);
    pending.then(function (res) {
      if (loaded[id] !== pending) { return; }  // the layer's filter changed meanwhile
      if (!document.querySelector('input[name="couche"][value="' + id + '"]').checked) { return; }
      res.leaflet.addTo(map);
      if (!document.querySelector('#tableaux-couches .table-block[data-layer="' + id + '"]')) {
        document.getElementById("tableaux-couches").appendChild(overlayTable(layer, res.data));
      }
      el.dataset[dataKey("couche", id)] = "1";
      status("Couche « " + layer.label + " » affichée.");
    }, failed(layer));
  }

  function highlight(code) {
    if (!loaded.communes) { return; }
    loaded.communes.then(function (res) {
      res.leaflet.eachLayer(function (l) {
        var on = l.feature.properties.code === code;
        if (on) { selected = l; }
        l.setStyle(on ? { weight: 3, color: "#000000" } : { weight: 0.5, color: "#333333" });
      });
      if (selected && selected.bringToFront) { selected.bringToFront(); }
    });
  }

  function showCard(code, focus) {
    var target = document.getElementById("fiche-commune");
    return fetch(el.dataset.cardUrl.replace("CODE", encodeURIComponent(code)),
                 { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.text();
      })
      .then(function (html) {
        target.innerHTML = html;
        highlight(code);
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", "?commune=" + encodeURIComponent(code));
        }
        if (focus) {
          var h = document.getElementById("fiche-titre");
          if (h) { h.focus(); }
        }
      })
      .catch(function () {
        target.innerHTML = '<p class="na">Fiche non disponible pour la commune ' +
          escapeHtml(code) + ".</p>";
      });
  }

  document.querySelectorAll('input[name="fond"]').forEach(function (input) {
    input.addEventListener("change", function () { if (input.checked) { showBase(input.value); } });
  });
  document.querySelectorAll('input[name="couche"]').forEach(function (input) {
    input.addEventListener("change", function () { setOverlay(input.value, input.checked); });
  });
  // a layer's filter (e.g. one service type): reload its map layer and its table
  document.querySelectorAll("select.layer-filter").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var id = sel.dataset.layer;
      var layer = byId[id];
      if (!layer) { return; }
      if (layer.baseUrl === undefined) { layer.baseUrl = layer.url; }
      var prev = loaded[id];
      delete loaded[id];
      if (prev) { prev.then(function (res) { map.removeLayer(res.leaflet); }, function () {}); }
      var old = document.querySelector('#tableaux-couches .table-block[data-layer="' + id + '"]');
      if (old) { old.parentNode.removeChild(old); }
      layer.url = sel.value ? layer.baseUrl + (layer.baseUrl.indexOf("?") === -1 ? "?" : "&") +
        sel.dataset.param + "=" + encodeURIComponent(sel.value) : layer.baseUrl;
      layer.filterLabel = sel.value ? sel.options[sel.selectedIndex].text : "";
      el.dataset[dataKey("filtre", id)] = sel.value;
      var box = document.querySelector('input[name="couche"][value="' + id + '"]');
      if (box && !box.checked) {  // choosing a type shows the layer
        box.checked = true;
      }
      setOverlay(id, true);
    });
  });
  document.querySelectorAll("a.commune-link").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      showCard(a.dataset.code, true);
    });
  });

  var filter = document.getElementById("filtre-communes");
  if (filter) {
    var rows = document.querySelectorAll('.table-block[data-layer="communes"] tbody tr');
    var norm = function (t) {
      return t.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    };
    var texts = Array.prototype.map.call(rows, function (r) { return norm(r.textContent); });
    filter.addEventListener("input", function () {
      var q = norm(filter.value.trim());
      var shown = 0;
      rows.forEach(function (r, i) {
        var on = !q || texts[i].indexOf(q) !== -1;
        r.hidden = !on;
        if (on) { shown += 1; }
      });
      document.getElementById("filtre-resultat").textContent =
        q ? nf.format(shown) + " commune" + (shown > 1 ? "s" : "") + " affichée" +
            (shown > 1 ? "s" : "") : "";
    });
  }

  var checked = document.querySelector('input[name="fond"]:checked');
  var first = checked ? checked.value : (layers[0] && layers[0].id);
  showBase(first).then(function (res) {
    if (res) { map.fitBounds(res.leaflet.getBounds()); }
    var params = new URLSearchParams(window.location.search);
    if (params.get("commune")) { highlight(params.get("commune")); }
    el.dataset.ready = "1";
    if (window.performance && performance.mark) { performance.mark("carte-prete"); }
  });
  document.querySelectorAll('input[name="couche"]:checked').forEach(function (input) {
    setOverlay(input.value, true);
  });
})();
