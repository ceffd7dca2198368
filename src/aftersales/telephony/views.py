"""The agent's screen-pop: the console polls this fragment every second (HTMX); a call that
rang at the agent's extension shows the caller's archive, or "new caller"."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import services


@login_required
@require_GET
def pop(request):
    call = services.pop_next_call(agent=request.user)
    if call is None:
        return HttpResponse(status=204)  # HTMX swaps nothing: a shown pop stays until dismissed
    return render(request, "telephony/_pop.html", {"call": call})
