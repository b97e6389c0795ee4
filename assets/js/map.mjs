// A neighbourhood's map: where the programme configures a tile server, the list of what's here (the page itself,
// which works without this file) is also drawn as a map. Each list item with a point (data-point="lat,lng") becomes
// a marker whose popup links to the entry. Leaflet (window.L) is loaded just before this file; tiles come only from
// the configured server, which the Content-Security-Policy names.
const box = document.getElementById("whats-here-map");
const L = window.L;
if (box && L) {
  const points = [...document.querySelectorAll("[data-point]")].map((item) => {
    const [lat, lng] = item.dataset.point.split(",").map(Number);
    const link = item.querySelector("a");
    return { lat, lng, name: link ? link.textContent.trim() : "", href: link ? link.getAttribute("href") : null };
  });
  if (points.length) {
    box.hidden = false;
    const map = L.map(box, { scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    const markers = points.map((point) => {
      const marker = L.circleMarker([point.lat, point.lng], { radius: 9, color: "#0b0c0c", fillColor: "#1d70b8", fillOpacity: 0.9, weight: 2 });
      if (point.href) {
        const anchor = document.createElement("a");
        anchor.href = point.href;
        anchor.className = "govuk-link";
        anchor.textContent = point.name;
        marker.bindPopup(anchor);
      }
      return marker.addTo(map);
    });
    map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [24, 24], maxZoom: 16 });
  }
}
