// Draws the weekly self-score and reviewed-score trend from the page's json_script data.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("score-trend");
  const source = document.getElementById("score-trend-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const rows = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: rows.map((row) => row.week),
      datasets: [
        { label: "Self-score", data: rows.map((row) => row.self), borderColor: "#0d6efd", spanGaps: true },
        { label: "Reviewed", data: rows.map((row) => row.review), borderColor: "#198754", spanGaps: true },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 1, max: 5, title: { display: true, text: "Score (1-5)" } } },
    },
  });
});
