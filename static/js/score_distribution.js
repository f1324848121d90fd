// Draws how many evaluations fall in each percent band, from the page's json_script data.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("score-distribution");
  const source = document.getElementById("score-distribution-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Self-score", data: data.self, backgroundColor: "#0d6efd" },
        { label: "Reviewed", data: data.review, backgroundColor: "#198754" },
      ],
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, title: { display: true, text: "Evaluations" } } },
    },
  });
});
