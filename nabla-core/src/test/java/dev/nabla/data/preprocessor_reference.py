# The numbers of PreprocessorTest#imputationScalingAndOneHotAgreeWithScikitLearn (scikit-learn 1.9.1, numpy only):
# SimpleImputer then StandardScaler for numbers, OneHotEncoder(handle_unknown="ignore") with None as a category.
import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

num_train = np.array([[1.0, 3.0], [np.nan, 1.0], [4.0, np.nan], [10.0, 8.0], [2.5, 2.0]])
num_test = np.array([[np.nan, 5.0], [7.0, np.nan]])
c_train = np.array([["x"], ["y"], [None], ["x"], ["z"]], dtype=object)
c_test = np.array([["w"], [None]], dtype=object)
c = OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(c_train)
print(c.categories_)
for strategy in ["mean", "median"]:
    num = make_pipeline(SimpleImputer(strategy=strategy), StandardScaler()).fit(num_train)
    out = np.hstack([num.transform(num_test), c.transform(c_test)])
    print(strategy)
    for row in out:
        print(", ".join("%.7ff" % v for v in row))
