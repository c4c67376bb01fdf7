"""A small PNG loss curve drawn with Pillow (already a dependency through python-pptx): no matplotlib needed."""

from __future__ import annotations

from pathlib import Path

WIDTH, HEIGHT, MARGIN = 640, 360, 48


def save_loss_plot(log: list[dict], path: Path) -> None:
    """Training loss (blue) and validation loss (orange dots) against the optimizer step."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    points = [(e["step"], e["loss"]) for e in log]
    val = [(e["step"], e["val_loss"]) for e in log if e.get("val_loss") is not None]
    values = [v for _, v in points + val]
    if not points:
        image.save(path)
        return
    lo, hi = min(values), max(values)
    hi = hi if hi > lo else lo + 1.0
    last = max(s for s, _ in points)

    def xy(step: float, value: float) -> tuple[float, float]:
        x = MARGIN + (WIDTH - 2 * MARGIN) * ((step - 1) / max(1, last - 1))
        y = HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * ((value - lo) / (hi - lo))
        return x, y

    draw.rectangle([MARGIN, MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN], outline="#888888")
    draw.text((MARGIN, 12), f"loss (blue: train, orange: validation)  {hi:.3f} .. {lo:.3f}", fill="black")
    draw.text((MARGIN, HEIGHT - MARGIN + 8), f"step 1 .. {last}", fill="black")
    if len(points) > 1:
        draw.line([xy(s, v) for s, v in points], fill="#1f77b4", width=2)
    for s, v in val:
        x, y = xy(s, v)
        draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill="#ff7f0e")
    image.save(path)
