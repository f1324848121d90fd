"""Read-only lists for leaders: the reviews they gave and the disputes they settle."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reports import review_lists
from reports.review_lists import ReviewsGivenFilterForm
from teams.access import is_admin, role_required
from teams.models import Role

PAGE_SIZE = 25


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def reviews_given(request):
    agents = list(review_lists.reviewed_agents(request.user))
    form = ReviewsGivenFilterForm(request.GET or None, agents=agents)
    filters = form.valid_values()
    reviews = review_lists.reviews_given(request.user, filters)
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/reviews_given.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "everyone": is_admin(request.user),
        },
    )


@role_required(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def disputes_to_settle(request):
    disputes = review_lists.disputes_to_settle(request.user)
    page = Paginator(disputes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/disputes_to_settle.html",
        {"page": page, "query": "", "everyone": is_admin(request.user)},
    )
