"""From a file to clean, quotable passages: readers per format, cleaning, segmentation."""
