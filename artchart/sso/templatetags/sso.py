from django import template

from artchart.sso import provider

register = template.Library()


@register.inclusion_tag("sso/_sign_in_button.html", takes_context=True)
def sso_sign_in_button(context):
    """The "Sign in with your organization's account" button, only while single sign-on is configured."""
    request = context.get("request")
    return {"enabled": provider.enabled(), "next": request.GET.get("next", "") if request else ""}
