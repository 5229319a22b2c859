"""The nnU-Net- and MONAI-style networks in miniature, shared by export_archs.py (pipeline-equality
tests, issue 14) and bench/gpu/bench.py (the 128^3 nnU-Net-style network of the GPU bench, issue 16).
"""
import torch
from torch import nn


def block(cin, cout, stride=1, slope=0.01):
    return nn.Sequential(
        nn.Conv3d(cin, cout, 3, stride=stride, padding=1),
        nn.InstanceNorm3d(cout, eps=1e-5, affine=True),
        nn.LeakyReLU(slope),
    )


class PlainConvUNet(nn.Module):
    """nnU-Net v2's PlainConvUNet in miniature: strides (1,1,1), (1,2,2), (2,2,2)."""

    def __init__(self, cin=1, classes=2, feats=(4, 8, 16), strides=((1, 1, 1), (1, 2, 2), (2, 2, 2))):
        super().__init__()
        self.enc = nn.ModuleList()
        c = cin
        for f, s in zip(feats, strides):
            self.enc.append(nn.Sequential(block(c, f, s), block(f, f)))
            c = f
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        self.heads = nn.ModuleList()
        for i in range(len(feats) - 1, 0, -1):
            self.up.append(nn.ConvTranspose3d(feats[i], feats[i - 1], strides[i], stride=strides[i]))
            self.dec.append(nn.Sequential(block(2 * feats[i - 1], feats[i - 1]), block(feats[i - 1], feats[i - 1])))
            self.heads.append(nn.Conv3d(feats[i - 1], classes, 1))
        self.deep_supervision = True

    def forward(self, x):
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
        x = skips.pop()
        outs = []
        for up, dec, head in zip(self.up, self.dec, self.heads):
            x = dec(torch.cat([up(x), skips.pop()], 1))
            outs.append(head(x))
        # Deep supervision: every decoder stage's head in training; only the last one on export.
        return outs[::-1] if self.deep_supervision else outs[-1]


class BasicUNet(nn.Module):
    """MONAI's BasicUNet in miniature (TwoConv, Down = max-pool + TwoConv, UpCat with deconv)."""

    def __init__(self, cin=1, classes=2, feats=(4, 8, 16)):
        super().__init__()
        two = lambda a, b: nn.Sequential(block(a, b, slope=0.1), block(b, b, slope=0.1))
        self.conv0 = two(cin, feats[0])
        self.down1 = nn.Sequential(nn.MaxPool3d(2), two(feats[0], feats[1]))
        self.down2 = nn.Sequential(nn.MaxPool3d(2), two(feats[1], feats[2]))
        self.up2 = nn.ConvTranspose3d(feats[2], feats[1], 2, stride=2)
        self.cat2 = two(2 * feats[1], feats[1])
        self.up1 = nn.ConvTranspose3d(feats[1], feats[0], 2, stride=2)
        self.cat1 = two(2 * feats[0], feats[0])
        self.final = nn.Conv3d(feats[0], classes, 1)

    def forward(self, x):
        x0 = self.conv0(x)
        x1 = self.down1(x0)
        x2 = self.down2(x1)
        u1 = self.cat2(torch.cat([self.up2(x2), x1], 1))
        u0 = self.cat1(torch.cat([self.up1(u1), x0], 1))
        return torch.softmax(self.final(u0), 1)
