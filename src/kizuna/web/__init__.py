"""The HTTP API and the server-rendered console, one module per capability."""
