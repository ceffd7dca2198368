/* Dispatch board: drag a waiting job by its handle (SortableJS, vendored, pointer events)
   onto an engineer's working day; a dialog asks the time (working hours only) and books
   it through the form, which the server checks like the API. Without a mouse, the job's
   "Book a visit…" button opens the same dialog with the engineer and the day to pick. */
document.addEventListener("DOMContentLoaded", () => {
  const pool = document.getElementById("dispatch-pool");
  const dialog = document.getElementById("drop-dialog");
  if (!pool || !dialog) return;
  const form = dialog.querySelector("form");
  const what = dialog.querySelector("#drop-what");

  function open(job, engineer, day) {
    form.elements.ticket.value = job.dataset.ticket;
    if (engineer) form.elements.engineer.value = engineer.id;
    if (day) form.elements.day.value = day;
    what.textContent = engineer
      ? `${job.dataset.number} → ${engineer.name} ${day}` : job.dataset.number;
    dialog.showModal();
    (engineer ? form.elements.time : form.elements.engineer).focus();
  }

  pool.querySelectorAll("button.pick").forEach((button) => {
    button.addEventListener("click", () => open(button, null, null));
  });
  dialog.querySelector("#drop-cancel").addEventListener("click", () => dialog.close());
  if (typeof Sortable === "undefined") return;

  Sortable.create(pool, {
    group: {name: "dispatch", pull: "clone", put: false}, sort: false,
    handle: ".drag-handle", forceFallback: true, fallbackOnBody: true,
  });
  document.querySelectorAll(".dispatch-cell").forEach((cell) => {
    Sortable.create(cell, {
      group: {name: "dispatch", pull: false, put: () => cell.dataset.working === "1"},
      sort: false, forceFallback: true,
      onAdd: (event) => {
        const job = event.item;
        job.remove();  // the board shows the booking after the server accepted it
        open(job, {id: cell.dataset.engineer, name: cell.dataset.engineerName},
             cell.dataset.day);
      },
    });
  });
});
