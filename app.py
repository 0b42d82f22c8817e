"""Start the web app: http://127.0.0.1:7860 (ASSISTANT_HOST / ASSISTANT_PORT to change)."""

from assistant.ui import serve

if __name__ == "__main__":
    serve()
