// Kizuna cable map: draws map_payload() features with Leaflet (vendored in vendor/leaflet).
function kizunaCableMap(element, data, backdrop, colours, bounds) {
  var map = L.map(element, {worldCopyJump: false, attributionControl: true});
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(data.attribution);
  L.geoJSON(backdrop, {style: {color: '#b8c0cc', weight: 0.6, fillColor: '#e9edf2', fillOpacity: 1},
                       interactive: false}).addTo(map);
  var esc = function (s) { return String(s).replace(/[&<>"]/g, function (c) {
    return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; }); };
  var layer = L.geoJSON(data.features, {
    filter: function (f) { return f.properties.kind !== 'station'; },
    style: function (f) {
      var p = f.properties;
      if (p.kind === 'corridor') return {color: '#7a1f5c', weight: 1.5, fillOpacity: 0.15, dashArray: '4 3'};
      if (p.cut) return {color: colours.cut, weight: 5, opacity: 0.95};
      if (p.status === 'down') return {color: colours.down, weight: 1.5, opacity: 0.8, dashArray: '5 4'};
      return {color: colours[p.status], weight: 1.6, opacity: 0.75};
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      if (p.kind === 'corridor') { l.bindPopup('<b>' + esc(p.name) + '</b><br>corridor failed in this scenario'); return; }
      l.bindPopup('<b>' + esc(p.name) + '</b><br>' + esc(p.places.join(', ')) + (p.rfs_year ? ' · RFS ' + p.rfs_year : '') +
        '<br><i>' + esc(p.status) + (p.cut ? ', in the minimum cut' : '') + '</i>' +
        (p.why ? '<br>' + esc(p.why) : '') + '<br>owners: ' + esc(p.owners || 'not in data') +
        '<br>suppliers: ' + esc(p.suppliers || 'not in data'));
      l.on('mouseover', function () { l.bringToFront(); });
    }
  }).addTo(map);
  L.geoJSON(data.features, {
    filter: function (f) { return f.properties.kind === 'station'; },
    pointToLayer: function (f, ll) { return L.circleMarker(ll, {radius: 2, color: '#1d2733', weight: 0.8, fillOpacity: 0.8}); },
    onEachFeature: function (f, l) { l.bindTooltip(esc(f.properties.name) + ' [' + f.properties.place + ']'); }
  }).addTo(map);
  layer.eachLayer(function (l) { if (l.feature.properties.cut) l.bringToFront(); });
  map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]]);
  var legend = L.control({position: 'bottomleft'});
  legend.onAdd = function () {
    var div = L.DomUtil.create('div', 'kizuna-legend');
    div.style.cssText = 'background:#fff;padding:6px 9px;font:12px/1.5 system-ui,sans-serif;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3)';
    div.innerHTML = data.legend.map(function (item) {
      return '<div><span style="display:inline-block;width:22px;height:4px;margin-right:6px;vertical-align:middle;background:' +
        item.colour + '"></span>' + esc(item.label) + '</div>'; }).join('');
    return div;
  };
  legend.addTo(map);
  return map;
}
