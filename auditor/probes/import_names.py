"""Which top-level import names are not the repository's own: stdlib (Python 3 and 2) and
common third-party packages, and the import names of declared distributions.

The references probe reports a missing repo-local module only when the name is none of these,
so this list errs on the side of "not local".
"""

from __future__ import annotations

import sys

from auditor.probes.deps_specs import normalise_name

PYTHON2_STDLIB = frozenset(
    {
        "cPickle",
        "cStringIO",
        "StringIO",
        "Queue",
        "urllib2",
        "urlparse",
        "ConfigParser",
        "HTMLParser",
        "httplib",
        "cookielib",
        "__builtin__",
        "commands",
        "thread",
        "dummy_thread",
        "copy_reg",
        "SocketServer",
        "xmlrpclib",
        "Tkinter",
        "tkMessageBox",
        "anydbm",
        "dbhash",
        "md5",
        "sha",
        "sets",
        "exceptions",
        "new",
        "repr",
        "UserDict",
        "UserList",
        "UserString",
        "cProfile",
        "imp",
        "distutils",
        "asyncore",
        "asynchat",
        "smtpd",
        "Cookie",
        "htmlentitydefs",
        "robotparser",
        "dircache",
        "popen2",
        "mimetools",
        "rfc822",
        "string",
        "types",
    }
)

_THIRD_PARTY_WORDS = """
numpy scipy torch torchvision torchaudio torchtext tensorflow keras jax jaxlib flax optax haiku
mxnet paddle sklearn skimage cv2 PIL matplotlib mpl_toolkits pandas seaborn tqdm yaml h5py
tensorboard tensorboardX tensorboard_logger visdom graphviz networkx wandb mlflow comet_ml
neptune hydra omegaconf absl gin ml_collections einops timm apex pytorch_lightning lightning
transformers datasets tokenizers sentencepiece nltk spacy gensim torch_geometric torch_scatter
torch_sparse dgl ogb thop ptflops fvcore detectron2 mmcv mmdet mmcls tabulate termcolor colorama
click fire typer requests six future past builtins simplejson ujson msgpack dill cloudpickle
joblib psutil gpustat pynvml GPUtil ray dask distributed submitit horovod deepspeed accelerate
ConfigSpace hpbandster smac optuna hyperopt skopt ax botorch gpytorch pyro emcee lightgbm
xgboost catboost ngboost pybnn grakel nasbench nasbench_pytorch nas_201_api nats_bench
nasbench301 nas_bench_x11 naslib autogluon autokeras nni pytest hypothesis mock nose IPython
ipywidgets jupyter notebook plotly bokeh PyQt5 PyQt4 imageio pycocotools lmdb zmq pyarrow sympy
numba cupy pycuda tensorrt onnx onnxruntime coremltools setuptools pkg_resources wheel pip
Cython attr attrs pydantic jsonschema toml tomli dateutil pytz regex boto3 botocore google gcsfs
s3fs fsspec bs4 lxml sacred tensorpack chainer cntk theano lasagne caffe caffe2 torchsummary
torchinfo torchstat pretrainedmodels efficientnet_pytorch cvxpy gurobipy pulp statsmodels shap
captum kornia albumentations imgaug Augmentor rich loguru tensorwatch pytorch_msssim
transforms3d gdown wget pydot pygraphviz tables xlrd openpyxl line_profiler memory_profiler
scikit_learn gym gymnasium atari_py mujoco_py tensorflow_datasets tensorflow_probability tfds
tf_slim sonnet trax objax dm_tree tree_sitter torchmetrics torchnet tnt torchcontrib cvxopt
pyximport wget zipfile36 easydict addict munch prettytable texttable tensorboardx_logger
hiddenlayer torchviz netron pynvml nvidia_smi
typing_extensions packaging filelock pyparsing certifi urllib3 websockets aiohttp flask
schema prompt_toolkit json_tricks astor responses pexpect paramiko docker kubernetes azure
"""
THIRD_PARTY = frozenset(name.lower() for name in _THIRD_PARTY_WORDS.split())

DIST_TO_IMPORT = {
    "scikit-learn": "sklearn",
    "opencv-python": "cv2",
    "opencv-python-headless": "cv2",
    "opencv-contrib-python": "cv2",
    "py-opencv": "cv2",
    "opencv": "cv2",
    "pillow": "pil",
    "pyyaml": "yaml",
    "pytorch": "torch",
    "tensorflow-gpu": "tensorflow",
    "tensorflow-cpu": "tensorflow",
    "beautifulsoup4": "bs4",
    "scikit-image": "skimage",
    "protobuf": "google",
    "python-dateutil": "dateutil",
    "pytorch-lightning": "pytorch_lightning",
    "msgpack-python": "msgpack",
    "pyzmq": "zmq",
    "attrs": "attr",
    "gitpython": "git",
    "faiss-gpu": "faiss",
    "faiss-cpu": "faiss",
    "pyro-ppl": "pyro",
    "ruamel-yaml": "ruamel",
    "tb-nightly": "tensorboard",
    "nas-bench-201": "nas_201_api",
    "ipython": "ipython",
    "scikit-optimize": "skopt",
    "tensorflow-probability": "tensorflow_probability",
}


def external_names(declared: list[str]) -> frozenset[str]:
    """Lower-case top-level import names that are certainly not the repository's own modules.

    `declared` are dependency names (already normalised); each maps to its import name
    (`scikit-learn` -> `sklearn`, else `-` -> `_`).
    """
    names = {name.lower() for name in sys.stdlib_module_names}
    names |= {name.lower() for name in PYTHON2_STDLIB} | THIRD_PARTY
    for dist in declared:
        norm = normalise_name(dist)
        names.add(DIST_TO_IMPORT.get(norm, norm.replace("-", "_")))
        names.add(norm.replace("-", ""))
    return frozenset(names)
