class VietnameseFirstMiddleware:
    """Vietnamese is the language of the service: a browser's Accept-Language does not switch it.
    English stays one click away (the language switch sets Django's language cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
