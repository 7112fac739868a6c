"""``google.colab.output``: the one function a chapter's setup cell calls."""

custom_widget_manager_enabled = False


def enable_custom_widget_manager() -> None:
    """In Colab this loads the widget manager for third-party widgets; here it is noted."""
    global custom_widget_manager_enabled
    custom_widget_manager_enabled = True
