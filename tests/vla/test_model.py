import torch

from saycan.vla.model import SpatialSoftmax, TinyVLA


def test_tiny_vla_emits_one_256_way_distribution_per_action_dimension():
    logits = TinyVLA()(torch.rand(2, 3, 96, 96), torch.randn(2, 384))
    assert logits.shape == (2, 7, 256)


def test_a_chunked_head_emits_chunk_times_seven_distributions():
    model = TinyVLA(chunk=4)
    assert model(torch.rand(2, 3, 96, 96), torch.randn(2, 384)).shape == (2, 28, 256) and model.config["chunk"] == 4


def test_spatial_softmax_finds_a_peak():
    features = torch.full((1, 1, 9, 9), -50.0)
    features[0, 0, 2, 6] = 50.0  # row 2 (y), column 6 (x)
    x, y = SpatialSoftmax()(features)[0].tolist()
    assert abs(x - 0.5) < 1e-3 and abs(y + 0.5) < 1e-3


def test_instruction_changes_the_action():
    torch.manual_seed(0)
    model = TinyVLA().eval()
    image = torch.rand(1, 3, 96, 96)
    assert not torch.allclose(model(image, torch.randn(1, 384)), model(image, torch.randn(1, 384)))
