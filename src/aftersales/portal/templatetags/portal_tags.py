from django import template

from aftersales.portal.models import PortalPolicy

register = template.Library()


@register.inclusion_tag("portal/_contact.html")
def portal_contact():
    """The hotline (a rule row) at the foot of every portal page."""
    return {"policy": PortalPolicy.current()}
