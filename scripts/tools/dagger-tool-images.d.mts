/** Where scripts/tools/dagger-tool-images.mjs writes the tool images for this checkout's recipe. */
export function toolImagesDir(): string;
