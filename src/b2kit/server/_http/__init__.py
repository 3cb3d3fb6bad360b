"""The HTTP layer: the threaded server, one exchange as handlers see it (``Request``, ``Response``), typed
request parameters, routing (``Endpoint``, URL namespaces) and dispatch (fault injection, then the handler).
It is handed the route table; it never imports a handler."""
