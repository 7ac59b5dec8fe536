"""Recording replays: frames from the kitchen camera with the current skill written on them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from saycan.errors import ConfigError

FORMATS = (".mp4", ".gif")


def annotate(frame: np.ndarray, text: str) -> np.ndarray:
    """``frame`` (H, W, 3) uint8 with ``text`` on a dark banner along the top."""
    image = Image.fromarray(frame)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(12, frame.shape[0] // 22))
    draw.rectangle((0, 0, frame.shape[1], font.size + 10), fill=(20, 20, 20))
    draw.text((8, 4), text, fill=(255, 255, 255), font=font)
    return np.asarray(image)


def check_video_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ConfigError(f"video={str(path)!r}: unsupported format {path.suffix!r}; use one of {', '.join(FORMATS)}")
    return path


def write_video(path: str | Path, frames: list[np.ndarray], fps: int) -> Path:
    """Write an MP4 (H.264 via imageio-ffmpeg) or a GIF, by the file's extension."""
    import imageio.v2 as imageio

    path = check_video_path(path)
    if not frames:
        raise ConfigError("no frames to write: the trace has no steps")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".gif":
        imageio.mimwrite(path, frames, duration=1000 / fps, loop=0)
    else:
        imageio.mimwrite(path, frames, fps=fps, codec="libx264", quality=7, macro_block_size=16)
    return path
