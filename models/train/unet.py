"""A small 3D U-Net for the demo DWI lesion model.

Channels 8/16/32 over two poolings (about 90k parameters). Upsampling is Resize (trilinear) followed
by a 3x3x3 Conv, never ConvTranspose: onnxruntime-web's WebGPU EP cannot run a 3D ConvTranspose and
throws instead of falling back. BatchNorm (not InstanceNorm) is used so the exported network is a
purely local operator once the statistics are frozen: a patch's output does not depend on the
patch size, which keeps sliding-window inference faithful to training on 32^3 crops.
"""
import torch
from torch import nn


def block(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv3d(cin, cout, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm3d(cout),
        nn.LeakyReLU(0.01, inplace=True),
        nn.Conv3d(cout, cout, 3, padding=1, bias=False),
        nn.BatchNorm3d(cout),
        nn.LeakyReLU(0.01, inplace=True),
    )


class Up(nn.Module):
    """Resize x2 (trilinear) + Conv to halve the channels, then concat the skip and a conv block."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.up = nn.Upsample(scale_factor=2, mode="trilinear", align_corners=False)
        self.reduce = nn.Sequential(
            nn.Conv3d(cin, cout, 3, padding=1, bias=False),
            nn.BatchNorm3d(cout),
            nn.LeakyReLU(0.01, inplace=True),
        )
        self.fuse = block(2 * cout, cout)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.fuse(torch.cat([self.reduce(self.up(x)), skip], dim=1))


class UNet3D(nn.Module):
    """Input [N, C, D, H, W] with D, H, W multiples of 4; output `out_channels` logit channels."""

    def __init__(self, in_channels: int = 2, widths: tuple = (8, 16, 32), out_channels: int = 1):
        super().__init__()
        w1, w2, w3 = widths
        self.enc1 = block(in_channels, w1)
        # Strided convolutions downsample (as in nnU-Net): no MaxPool, which the default JSEP WebGPU
        # build only runs in 3D with preferredLayout NCHW.
        self.enc2 = block(w1, w2, stride=2)
        self.bottom = block(w2, w3, stride=2)
        self.up2 = Up(w3, w2)
        self.up1 = Up(w2, w1)
        self.head = nn.Conv3d(w1, out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        b = self.bottom(e2)
        return self.head(self.up1(self.up2(b, e2), e1))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
