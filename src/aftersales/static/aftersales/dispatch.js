/* Dispatch board: drag a waiting job (SortableJS, vendored) onto an engineer's working
   day; a dialog asks the time (working hours only) and books it through the form. */
document.addEventListener("DOMContentLoaded", () => {
  const pool = document.getElementById("dispatch-pool");
  const dialog = document.getElementById("drop-dialog");
  if (!pool || !dialog || typeof Sortable === "undefined") return;
  const form = dialog.querySelector("form");
  Sortable.create(pool, {
    group: {name: "dispatch", pull: "clone", put: false}, sort: false,
    forceFallback: true, filter: "a, select, button, form", preventOnFilter: false,
  });
  document.querySelectorAll(".dispatch-cell").forEach((cell) => {
    Sortable.create(cell, {
      group: {name: "dispatch", pull: false, put: () => cell.dataset.working === "1"},
      sort: false, forceFallback: true,
      onAdd: (event) => {
        const job = event.item;
        form.elements.ticket.value = job.dataset.ticket;
        form.elements.engineer.value = cell.dataset.engineer;
        form.elements.day.value = cell.dataset.day;
        dialog.querySelector("#drop-what").textContent =
          `${job.dataset.number} → ${cell.dataset.engineerName} ${cell.dataset.day}`;
        job.remove();
        dialog.showModal();
      },
    });
  });
  dialog.querySelector("#drop-cancel").addEventListener("click", () => dialog.close());
});
