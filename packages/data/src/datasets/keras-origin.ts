/** Where Keras downloads its datasets from (keras/src/datasets/*.py). */
export const KERAS_DATASETS_URL = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';
