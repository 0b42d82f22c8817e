"""Start the web app: http://127.0.0.1:7860 (ASSISTANT_HOST / ASSISTANT_PORT to change)."""

if __name__ == "__main__":
    # Imported here, not at the top: the upload worker processes re-import this file as their
    # main module and must not load Gradio for it.
    from assistant.ui import serve

    serve()
