"""A drag in a real kernel: slider messages sent as a browser sends them, while a setting computes.

A Jupyter kernel runs a panel whose computation takes a while; the test then
sends the kernel a fast burst of ``comm_msg`` updates for the slider, exactly
as JupyterLab or Colab send them during a drag, and asks the kernel what was
computed. Only the first setting and the last one may be computed: the
intermediate positions are dropped, and the final picture is the final one.
"""
from __future__ import annotations

import json
import time

from jupyter_client.manager import start_new_kernel

SETUP = r'''
import time
from lecture_code import widgets
computed = []
def update(x):
    computed.append(x)
    time.sleep(0.5)               # a slow setting: the burst arrives while it computes
    return b"\x89PNG" + repr(x).encode()
box = widgets.Panel(update, {"x": widgets.Slider("x", 0.0, 1.0, 0.5, step=0.01)}, alt="x").widget()
slider, image = box.children[0].children[0], box.children[2]
print("COMM", slider.comm.comm_id)
'''


def run(client, code: str, timeout: float = 120) -> str:
    msg_id = client.execute(code)
    out = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)
    raise AssertionError(f"no answer to {code!r}")


def test_a_drag_in_a_kernel_computes_the_first_and_the_last_position_only():
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        text = run(client, SETUP)
        comm_id = text.split("COMM ")[1].split()[0]
        burst = [round(0.01 * i, 2) for i in range(1, 41)]
        for value in burst:           # what the browser sends while the slider moves
            client.session.send(client.shell_channel.socket, "comm_msg", {
                "comm_id": comm_id,
                "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
        report = run(client, "box.latest.wait(60)\n"
                             "import json; print(json.dumps([computed, bytes(image.value).decode("
                             "'latin-1'), box.latest.computations]))")
        computed, shown, computations = json.loads(report.strip().splitlines()[-1])
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert computed[0] == 0.5 and computed[-1] == burst[-1], computed
    assert len(computed) <= 4, f"{len(computed)} computations for a burst of {len(burst)}"
    assert shown == "\x89PNG" + repr(burst[-1])
