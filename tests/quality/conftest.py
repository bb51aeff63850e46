"""cv2 on one thread: another process trains on the other core, and the tests stay predictable."""

import cv2

cv2.setNumThreads(1)
