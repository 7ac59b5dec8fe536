import numpy as np
import torch

from saycan.vla.image import center_crop, crop_resize, resize, to_tensor


def test_center_crop_keeps_the_middle_and_the_size():
    image = np.zeros((100, 100, 3), np.uint8)
    image[:2] = 255  # a border stripe the 90%-area crop (95 px, from row 2) removes
    out = center_crop(image, 0.9)
    assert out.shape == (100, 100, 3) and out[:5].max() < 40


def test_crop_resize_centre_matches_center_crop_geometry():
    image = np.zeros((112, 112, 3), np.uint8)
    image[50:62, 50:62] = 255
    pixels = crop_resize(to_tensor(image[None]), 96, 0.9)
    assert pixels.shape == (1, 3, 96, 96)
    ys, xs = torch.nonzero(pixels[0, 0] > 0.5, as_tuple=True)
    assert abs(ys.float().mean() - 47.5) < 1.5 and abs(xs.float().mean() - 47.5) < 1.5


def test_resize_takes_any_input_size():
    assert resize(np.zeros((480, 640, 3), np.uint8), 96).shape == (96, 96, 3)
