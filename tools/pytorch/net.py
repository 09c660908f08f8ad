"""The PyTorch network that tests/ModelsOnnx/Data/pytorch-lenet.onnx was exported from.

A LeNet-sized CNN that is deliberately not the project's built-in LeNet: 3x3 convolutions,
ReLU before each max-pool, dropout, and MNIST's normalisation inside forward, so the exported
graph takes pixels in [0,1] as every `fooling` command feeds them.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081


class PyTorchLeNet(nn.Module):
    """conv 1->32 3x3, ReLU, max-pool 2, conv 32->64 3x3, ReLU, max-pool 2, fc 1600->128, ReLU, dropout 0.5, fc 128->10.

    Input [N,1,28,28] in [0,1]; output logits [N,10].
    """

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.fc1 = nn.Linear(64 * 5 * 5, 128)
        self.dropout = nn.Dropout(0.5)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = (x - MNIST_MEAN) / MNIST_STD
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        # view rather than flatten: the Shape/Gather/Unsqueeze/Concat/Reshape pattern most exported models carry.
        x = x.view(x.size(0), -1)
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


def load_state_dict(path):
    """The network in evaluation mode with the weights train_lenet.py saved at `path`."""
    net = PyTorchLeNet()
    net.load_state_dict(torch.load(path, map_location="cpu"))
    net.eval()
    return net
