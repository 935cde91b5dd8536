// reduced: the upstream Jest test is not part of this fixture; .forceignore excludes __tests__.
