from django.conf import settings


def session_limits(request):
    """Idle timeout figures for the warning script in the base layout."""
    return {
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_SECONDS,
        "idle_warning_seconds": settings.IDLE_WARNING_SECONDS,
    }
