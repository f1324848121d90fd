// Times marked <time data-local-time datetime="ISO"> are shown in the browser's own time zone
// (the server writes them in its own zone, named, for browsers without scripts).
document.querySelectorAll("time[data-local-time]").forEach((element) => {
  const moment = new Date(element.getAttribute("datetime"));
  if (Number.isNaN(moment.getTime())) return;
  element.textContent = moment.toLocaleTimeString([], {
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  });
});
